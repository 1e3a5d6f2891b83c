// Homeward's script. Everything works without it; it only makes forms kinder.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce the problems at once.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // "Now" fills the date and time boxes with the time the page was made, if that was within
  // the last minute; otherwise it follows its link, and the server fills them afresh.
  var loaded = Date.now();
  document.querySelectorAll("[data-fill-now]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (Date.now() - loaded > 60000) {
        return;
      }
      event.preventDefault();
      var name = link.dataset.fillNow;
      var set = function (id, value) {
        var input = document.getElementById(id);
        if (input) {
          input.value = value;
        }
      };
      set(name, link.dataset.nowDay);
      set(name + "-month", link.dataset.nowMonth);
      set(name + "-year", link.dataset.nowYear);
      set(name + "-time", link.dataset.nowTime);
      var time = document.getElementById(name + "-time");
      if (time) {
        time.focus();
      }
    });
  });

  // A tired double tap must not send a form twice.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      var button = form.querySelector("[data-prevent-double-click]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
      }
      // Allow another submit after a while, in case the first one never left the phone.
      window.setTimeout(function () {
        form.dataset.submitted = "false";
        if (button) {
          button.removeAttribute("aria-disabled");
        }
      }, 5000);
    });
  });
})();

// The live board: count the time missing up each minute, and when the server says an
// episode changed, fetch the board again and swap it in. Without this script the page
// refreshes itself every 30 seconds instead.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) {
    return;
  }

  function pad(format, d, h, m) {
    return format.replace("%d", d).replace("%h", h).replace("%m", m);
  }

  function tick() {
    var now = Date.now();
    board.querySelectorAll("[data-since]").forEach(function (el) {
      var minutes = Math.max(0, Math.floor((now - Number(el.dataset.since)) / 60000));
      var d = Math.floor(minutes / 1440);
      var h = Math.floor(minutes / 60) % 24;
      var m = minutes % 60;
      var text;
      if (minutes >= 1440) {
        text = pad(board.dataset.formatDhm, d, h, m);
      } else if (minutes >= 60) {
        text = pad(board.dataset.formatHm, d, h, m);
      } else {
        text = pad(board.dataset.formatM, d, h, m);
      }
      el.textContent = text;
    });
  }

  var fetching = false;
  var again = false;
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html) {
          var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-board]");
          if (next) {
            board.innerHTML = next.innerHTML;
            tick();
          }
        }
      })
      .catch(function () {})
      .then(function () {
        fetching = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  tick();
  window.setInterval(tick, 30000);
  if (window.EventSource) {
    var source = new EventSource("/api/v1/board/stream");
    source.addEventListener("change", refresh);
    // After a dropped connection the browser reconnects by itself; catch up on anything missed.
    source.addEventListener("open", function () {
      if (board.dataset.connected) {
        refresh();
      }
      board.dataset.connected = "true";
    });
  }
})();
