use zegel_store::StoreError;

/// What can go wrong in a service. Each face maps these to its own answer; `Internal`
/// details go to the log only.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not authenticated")]
    Unauthorized,
    /// Every problem with the input at once, so a caller can fix them in one go.
    #[error("invalid input: {}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A file, message or quota limit: nothing of the upload was kept.
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict => {
                AppError::Conflict("a record with this key already exists".into())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<zegel_crypto::CryptoError> for AppError {
    fn from(error: zegel_crypto::CryptoError) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<zegel_mail::MailError> for AppError {
    fn from(error: zegel_mail::MailError) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<zegel_blob::BlobError> for AppError {
    fn from(error: zegel_blob::BlobError) -> Self {
        match error {
            zegel_blob::BlobError::TooLarge { limit } => {
                AppError::TooLarge(format!("a file may hold at most {limit} bytes"))
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}
