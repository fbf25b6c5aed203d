//! This package holds only the end-to-end tests in `api/`.
