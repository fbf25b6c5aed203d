//! Group commit for sends. Messages that arrive while one transaction is being written are
//! stored together in the next: many senders share one flush to disk and one turn at the
//! organisation's audit chain, instead of queueing for a transaction each.

use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};
use zegel_crypto::Keyring;
use zegel_store::{MessageToStore, Store, StoreError, StoreResult};

/// Messages stored in one transaction at most: bounds how long a batch holds the write lock.
const MAX_BATCH: usize = 64;

/// Sends waiting for the next transaction at most; a request beyond waits to queue.
const QUEUE_CAPACITY: usize = 1024;

/// Stores sent messages through one writer task per instance, which batches them.
pub(crate) struct SendQueue {
    store: Arc<dyn Store>,
    keyring: Arc<Keyring>,
    /// Started on first use, inside the runtime that serves requests; started again if that
    /// runtime has gone (tests run one runtime after another).
    sender: Mutex<Option<mpsc::Sender<Queued>>>,
}

struct Queued {
    message: MessageToStore,
    stored: oneshot::Sender<StoreResult<()>>,
}

impl SendQueue {
    pub(crate) fn new(store: Arc<dyn Store>, keyring: Arc<Keyring>) -> Self {
        Self {
            store,
            keyring,
            sender: Mutex::new(None),
        }
    }

    /// Stores the message with the next batch; returns once it is committed (or refused,
    /// with the same error `Store::create_message` would give).
    pub(crate) async fn store(&self, message: MessageToStore) -> StoreResult<()> {
        let (stored, result) = oneshot::channel();
        self.sender()
            .send(Queued { message, stored })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        result.await.map_err(|_| StoreError::WriterStopped)?
    }

    fn sender(&self) -> mpsc::Sender<Queued> {
        let mut slot = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = slot.as_ref().filter(|s| !s.is_closed()) {
            return sender.clone();
        }
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(write_batches(
            self.store.clone(),
            self.keyring.clone(),
            receiver,
        ));
        *slot = Some(sender.clone());
        sender
    }
}

/// Takes whatever is queued (up to [`MAX_BATCH`]) and stores it in one transaction; no
/// waiting to fill a batch, so a lone send is stored at once.
async fn write_batches(
    store: Arc<dyn Store>,
    keyring: Arc<Keyring>,
    mut queue: mpsc::Receiver<Queued>,
) {
    let mac = crate::audit::mac_with(keyring);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (messages, answers): (Vec<_>, Vec<_>) =
            batch.drain(..).map(|q| (q.message, q.stored)).unzip();
        match store.create_messages(&messages, &mac).await {
            Ok(()) => {
                for answer in answers {
                    let _ = answer.send(Ok(()));
                }
            }
            Err(error) if messages.len() == 1 => {
                let _ = answers.into_iter().next().map(|a| a.send(Err(error)));
            }
            // Nothing of the batch was stored (a draft sent twice, say): each message again
            // on its own, so each sender gets its own answer.
            Err(_) => {
                for (message, answer) in messages.chunks(1).zip(answers) {
                    let _ = answer.send(store.create_messages(message, &mac).await);
                }
            }
        }
    }
}
