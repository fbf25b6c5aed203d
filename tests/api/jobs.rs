//! Background jobs survive crashes: a job is enqueued with the message in one transaction,
//! and a worker that dies mid-send leaves it to be claimed again (at least once).

use zegel_app::Clock;

use crate::on_both_backends;
use crate::support::{Backend, spawn_app};

on_both_backends!(
    a_job_claimed_by_a_crashed_worker_is_delivered_after_its_lease,
    a_failed_delivery_is_retried_later_and_never_lost,
);

async fn a_job_claimed_by_a_crashed_worker_is_delivered_after_its_lease(backend: Backend) {
    let app = spawn_app(backend).await;
    let to = "j@example.nl";
    let sent = app.send_simple(to, "S", "B").await;
    assert_eq!(
        app.app.store.pending_jobs().await.unwrap(),
        1,
        "the notification job is stored with the message"
    );

    // A worker claims the job and dies before finishing it.
    let now = app.clock.now();
    let claimed = app
        .app
        .store
        .claim_job(now, 300)
        .await
        .unwrap()
        .expect("a job to claim");
    assert_eq!(claimed.kind, "notify");
    drop(claimed);

    // While the lease holds, no other worker takes it.
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.smtp.received_by(to).is_empty());

    app.clock.advance(301);
    assert_eq!(app.run_jobs().await, 1);
    let mail = app.smtp.only_mail_to(to);
    assert_eq!(
        mail.message_id,
        format!(
            "notify.{}@zegel",
            sent["recipients"][0]["delivery_id"].as_str().unwrap()
        )
    );
    assert_eq!(app.app.store.pending_jobs().await.unwrap(), 0);

    // Running the workers again sends nothing twice.
    app.clock.advance(3600);
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(app.smtp.received_by(to).len(), 1);
}

async fn a_failed_delivery_is_retried_later_and_never_lost(backend: Backend) {
    let mut app = spawn_app(backend).await;
    let to = "k@example.nl";
    app.send_simple(to, "S", "B").await;

    // The mail server is down: the job fails and waits.
    app.smtp.stop();
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.app.store.pending_jobs().await.unwrap(), 1);
    assert_eq!(app.run_jobs().await, 0, "not retried before its delay");

    app.clock.advance(31);
    app.smtp.start_again();
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.smtp.received_by(to).len(), 1);
    assert_eq!(app.app.store.pending_jobs().await.unwrap(), 0);
}
