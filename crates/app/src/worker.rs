//! The background worker: claims due jobs with a lease, runs them, retries failures with a
//! growing delay, and shreds expired messages. Several workers may run against one database;
//! a job whose worker died is claimed again when its lease runs out, so none is lost.

use std::time::Duration;

use crate::{App, AppResult};

/// How long a claimed job is reserved for its worker, unless configured otherwise.
pub const LEASE_SECONDS: i64 = 300;
/// How often expired messages and old phone numbers are looked for.
const EXPIRY_SWEEP_SECONDS: i64 = 30;

/// What one retention pass removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RetentionReport {
    pub messages_expired: usize,
    pub challenges_removed: u64,
    pub phone_numbers_removed: u64,
    pub audit_records_removed: u64,
    pub drafts_abandoned: u64,
    pub attachments_deleted: u64,
}

#[derive(Clone)]
pub struct Worker {
    app: App,
}

impl Worker {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    /// Runs every job that is due now; returns how many ran (successfully or not).
    pub async fn run_due_jobs(&self) -> AppResult<usize> {
        let mut ran = 0;
        while let Some(job) = self
            .app
            .store
            .claim_job(self.app.now(), self.app.job_lease_seconds)
            .await?
        {
            ran += 1;
            match self.app.run_job(&job.payload).await {
                Ok(()) => {
                    self.app.store.complete_job(job.id, self.app.now()).await?;
                    metrics::counter!("zegel_jobs_completed_total", "kind" => job.kind.clone())
                        .increment(1);
                }
                Err(error) => {
                    metrics::counter!("zegel_jobs_failed_total", "kind" => job.kind.clone())
                        .increment(1);
                    let delay = retry_delay(job.attempts);
                    tracing::warn!(job_id = job.id, kind = %job.kind, attempts = job.attempts, %error, "job failed; will retry");
                    self.app
                        .store
                        .retry_job(job.id, &error.to_string(), self.app.now() + delay)
                        .await?;
                }
            }
        }
        Ok(ran)
    }

    /// Crypto-shreds every message whose expiry has passed; returns their ids.
    pub async fn expire_messages(&self) -> AppResult<Vec<String>> {
        let expired = self.app.store.expire_due_messages(self.app.now()).await?;
        for id in &expired {
            if let Some(message) = self.app.store.message(id).await? {
                self.app
                    .audit(
                        &message.org_id,
                        "system",
                        "message.expired",
                        id,
                        serde_json::json!({}),
                    )
                    .await?;
            }
        }
        if !expired.is_empty() {
            tracing::info!(count = expired.len(), "expired messages shredded");
        }
        Ok(expired)
    }

    /// The retention schedule: expired messages shredded, SMS numbers after seven days,
    /// verification challenges after a day, audit records after the organisation's retention.
    pub async fn enforce_retention(&self) -> AppResult<RetentionReport> {
        let messages_expired = self.expire_messages().await?.len();
        let sweep = self.app.sweep_attachments().await?;
        let report = RetentionReport {
            messages_expired,
            drafts_abandoned: sweep.drafts_abandoned,
            attachments_deleted: sweep.attachments_deleted,
            // Code hashes serve nothing after their 10 minutes; a day of them helps support.
            challenges_removed: self
                .app
                .store
                .purge_challenges(self.app.now() - 86_400)
                .await?,
            phone_numbers_removed: self.app.purge_phone_numbers().await?,
            audit_records_removed: self.app.prune_audit().await?,
        };
        if report != RetentionReport::default() {
            tracing::info!(?report, "retention enforced");
        }
        Ok(report)
    }

    /// Runs until `shutdown` resolves; a running job is finished first.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut last_sweep = i64::MIN;
        loop {
            if let Err(error) = self.run_due_jobs().await {
                tracing::error!(%error, "worker could not process jobs");
            }
            let now = self.app.now();
            if now.saturating_sub(last_sweep) >= EXPIRY_SWEEP_SECONDS {
                last_sweep = now;
                if let Err(error) = self.enforce_retention().await {
                    tracing::error!(%error, "worker could not enforce retention");
                }
                if let Err(error) = self.app.yearly_offboarding().await {
                    tracing::error!(%error, "worker could not offboard helpdesk contacts");
                }
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.app.job_wakeup.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// 30 s, 1 min, 2 min … capped at an hour: a mail server that is down for a day still gets
/// the message when it returns, and the job is never dropped.
fn retry_delay(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 8) - 1;
    (30_i64 << exponent).min(3600)
}

#[cfg(test)]
mod tests {
    use super::retry_delay;

    #[test]
    fn retry_delays_grow_and_are_capped() {
        assert_eq!(retry_delay(1), 30);
        assert_eq!(retry_delay(2), 60);
        assert_eq!(retry_delay(7), 1920);
        assert_eq!(retry_delay(8), 3600);
        assert_eq!(retry_delay(50), 3600);
    }
}
