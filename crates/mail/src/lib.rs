//! How email leaves Homeward. The outbox decides what to send and when (in the application
//! layer); a [`Mailer`] only delivers one message, and says why when it cannot.

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Delivers one plain-text message, or says why not.
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String>;
}

/// How to reach the SMTP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP: only for a relay on the same machine or a test server.
    None,
    /// STARTTLS on the submission port (587), the usual choice.
    StartTls,
    /// TLS from the first byte (465).
    Tls,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, like `Homeward <homeward@example.org>`.
    pub from: String,
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("the sender address {:?} is not valid: {e}", config.from))?;
        let builder = match config.security {
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
            Security::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                    .map_err(|e| e.to_string())?
            }
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| e.to_string())?,
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

fn message(from: &Mailbox, to: &str, subject: &str, body: &str) -> Result<Message, String> {
    let to: Mailbox = to
        .parse()
        .map_err(|e| format!("the address {to:?} is not valid: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .map_err(|e| e.to_string())
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let message = message(&self.from, to, subject, body)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The demo's mail: each message written as a file in a folder, to read there.
pub struct FolderMailer {
    pub dir: PathBuf,
    pub from: Mailbox,
}

impl FolderMailer {
    pub fn new(dir: PathBuf) -> Result<Self, String> {
        let from = "Homeward <homeward@demo.example>"
            .parse()
            .map_err(|e| format!("{e}"))?;
        Ok(Self { dir, from })
    }
}

#[async_trait]
impl Mailer for FolderMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let message = message(&self.from, to, subject, body)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| e.to_string())?;
        let path = self.dir.join(format!("{}.eml", uuid::Uuid::new_v4()));
        tokio::fs::write(&path, message.formatted())
            .await
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_writes_each_message_to_a_file() {
        let dir = std::env::temp_dir().join(format!("homeward-mail-{}", uuid::Uuid::new_v4()));
        let mailer = FolderMailer::new(dir.clone()).unwrap();
        mailer
            .send(
                "manager@example.org",
                "Someone is missing",
                "Open Homeward.",
            )
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(text.contains("To: manager@example.org"));
        assert!(text.contains("Subject: Someone is missing"));
        assert!(mailer.send("not an address", "x", "y").await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
