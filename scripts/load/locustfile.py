"""A day's mix on Homeward's API, for locust (from PyPI), run by scripts/load-test.

Each simulated user is a member of staff: mostly reading the board of who is missing now,
people's pages and episodes, sometimes adding to a chronology, now and then printing a
police pack. HOMEWARD_TOKEN is a manager's API token; HOMEWARD_PEOPLE and HOMEWARD_EPISODES
are comma-separated ids to read and write.
"""
import os
import random

from locust import HttpUser, between, constant, task

TOKEN = os.environ["HOMEWARD_TOKEN"]
PEOPLE = os.environ["HOMEWARD_PEOPLE"].split(",")
EPISODES = os.environ["HOMEWARD_EPISODES"].split(",")


class Staff(HttpUser):
    # HOMEWARD_NO_WAIT: each user sends its next request as soon as the last is answered,
    # for finding the highest rate the server keeps up with.
    wait_time = constant(0) if os.environ.get("HOMEWARD_NO_WAIT") else between(0.5, 2.0)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    @task(10)
    def board(self):
        self.client.get("/api/v1/episodes?open=true", name="board")

    @task(6)
    def person(self):
        self.client.get(f"/api/v1/people/{random.choice(PEOPLE)}", name="person page")

    @task(6)
    def episode(self):
        self.client.get(f"/api/v1/episodes/{random.choice(EPISODES)}", name="episode page")

    @task(3)
    def add_entry(self):
        episode = random.choice(EPISODES)
        self.client.post(
            f"/api/v1/episodes/{episode}/events",
            json={"event": {"kind": "note", "text": "Rang her phone again; no answer."}},
            name="chronology entry",
        )

    @task(1)
    def police_pack(self):
        self.client.get(
            f"/api/v1/people/{random.choice(PEOPLE)}/police-pack", name="police pack (PDF)"
        )
