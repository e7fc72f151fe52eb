//! Feedback is taken in batches, like a database's group commit: the pieces that arrive
//! while a batch is being written wait for the next, and go in together, in one statement
//! (`db::take_feedback`). So when many people give feedback at once, PostgreSQL pays its
//! cost per statement and per commit once per batch; a piece that arrives alone is written
//! at once, as its own batch, without waiting for company. Each piece keeps its own rules
//! and answer (the window at its time, the revision current when it lands, its form sent
//! before), and a batch that fails is written again one piece at a time, so that one
//! piece's error is never another's.
//!
//! Each RFC's feedback goes to one of a few writers (by its id): the pieces for a busy RFC
//! share batches instead of contending for its row lock from several connections, and an
//! RFC whose lock is held (a revision being saved) holds up only the RFCs of its writer.

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use super::db::{self, NewFeedback, Taken};

/// How many batches may be written at once, each by its own writer.
const WRITERS: usize = 4;
/// The most pieces in one statement.
const MOST: usize = 64;
/// Pieces waiting for one writer beyond this many make their senders wait.
const QUEUE: usize = 256;

struct Job {
    piece: NewFeedback,
    answer: oneshot::Sender<sqlx::Result<Taken>>,
}

/// Where handlers hand in feedback.
#[derive(Clone)]
pub struct Intake {
    writers: Vec<mpsc::Sender<Job>>,
}

impl Intake {
    /// Starts the writers, on the current tokio runtime; they stop when the last
    /// `Intake` is dropped.
    pub fn start(pool: PgPool) -> Self {
        let writers = (0..WRITERS)
            .map(|_| {
                let (jobs, waiting) = mpsc::channel(QUEUE);
                tokio::spawn(write(pool.clone(), waiting));
                jobs
            })
            .collect();
        Intake { writers }
    }

    /// Takes one piece, in whichever batch it lands.
    pub async fn take(&self, piece: NewFeedback) -> sqlx::Result<Taken> {
        let writer = &self.writers[piece.rfc_id.rem_euclid(WRITERS as i64) as usize];
        let (answer, answered) = oneshot::channel();
        writer
            .send(Job { piece, answer })
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answered.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

/// One writer: waits for a piece, takes whatever else is waiting (up to [`MOST`]), writes
/// them, answers each, and waits again.
async fn write(pool: PgPool, mut waiting: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MOST);
    while waiting.recv_many(&mut jobs, MOST).await > 0 {
        let (pieces, answers): (Vec<_>, Vec<_>) =
            jobs.drain(..).map(|job| (job.piece, job.answer)).unzip();
        // The function answers once per piece; an answer missing would reach its sender as
        // an error, never as somebody else's. The person may have gone (the request was
        // cancelled); the piece stays taken.
        for (answer, taken) in answers.into_iter().zip(take_all(&pool, &pieces).await) {
            let _ = answer.send(taken);
        }
    }
}

/// Takes the pieces in one statement; if that fails, each on its own, so that a piece's
/// error is its own. One answer per piece, in order.
pub async fn take_all(pool: &PgPool, pieces: &[NewFeedback]) -> Vec<sqlx::Result<Taken>> {
    match db::take_feedback(pool, pieces).await {
        Ok(taken) => taken.into_iter().map(Ok).collect(),
        Err(e) if pieces.len() == 1 => vec![Err(e)],
        Err(e) => {
            tracing::warn!(error = %e, pieces = pieces.len(), "a batch of feedback failed; taking its pieces one by one");
            let mut answers = Vec::with_capacity(pieces.len());
            for piece in pieces {
                let one = db::take_feedback(pool, std::slice::from_ref(piece)).await;
                answers.push(
                    one.and_then(|taken| taken.first().copied().ok_or(sqlx::Error::RowNotFound)),
                );
            }
            answers
        }
    }
}
