//! The attachment settings: where blobs live and how large files may be.

use std::path::Path;
use zegel_app::AttachmentLimits;
use zegel_blob::BlobConfig;

use crate::RawConfig;

/// The blob store and limits named by the settings; problems are added to `problems`.
pub(crate) fn attachment_settings(
    raw: &RawConfig,
    data_dir: &Path,
    problems: &mut Vec<String>,
) -> (BlobConfig, AttachmentLimits) {
    let blobs = match raw.blob_store.as_deref().unwrap_or("local") {
        "local" => BlobConfig::Local {
            dir: raw
                .blob_dir
                .as_ref()
                .map(Into::into)
                .unwrap_or_else(|| data_dir.join("blobs")),
        },
        "s3" => {
            let mut required = |name: &str, value: &Option<String>| {
                value.clone().unwrap_or_else(|| {
                    problems.push(format!("{name}: needed when blob_store = \"s3\""));
                    String::new()
                })
            };
            BlobConfig::S3 {
                bucket: required("s3_bucket", &raw.s3_bucket),
                access_key_id: required("s3_access_key_id", &raw.s3_access_key_id),
                secret_access_key: required("s3_secret_access_key", &raw.s3_secret_access_key),
                region: raw
                    .s3_region
                    .clone()
                    .unwrap_or_else(|| "us-east-1".to_owned()),
                endpoint: raw.s3_endpoint.clone(),
            }
        }
        other => {
            problems.push(format!("blob_store: '{other}' is not local or s3"));
            BlobConfig::Local {
                dir: data_dir.join("blobs"),
            }
        }
    };
    let defaults = AttachmentLimits::default();
    let mut limit = |name: &str, value: Option<u64>, default: u64| match value {
        Some(0) => {
            problems.push(format!("{name}: must be more than 0 bytes"));
            default
        }
        Some(bytes) => bytes,
        None => default,
    };
    let limits = AttachmentLimits {
        per_file: limit("max_file_bytes", raw.max_file_bytes, defaults.per_file),
        per_message: limit(
            "max_message_bytes",
            raw.max_message_bytes,
            defaults.per_message,
        ),
        per_organisation: limit(
            "storage_quota_bytes",
            raw.storage_quota_bytes,
            defaults.per_organisation,
        ),
    };
    (blobs, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_disk_in_the_data_dir_by_default() {
        let mut problems = Vec::new();
        let (blobs, limits) =
            attachment_settings(&RawConfig::default(), Path::new("/d"), &mut problems);
        assert!(problems.is_empty());
        assert_eq!(
            blobs,
            BlobConfig::Local {
                dir: "/d/blobs".into()
            }
        );
        assert_eq!(limits.per_file, AttachmentLimits::default().per_file);
    }

    #[test]
    fn s3_needs_its_bucket_and_credentials() {
        let mut problems = Vec::new();
        let raw = RawConfig {
            blob_store: Some("s3".into()),
            max_file_bytes: Some(0),
            ..RawConfig::default()
        };
        attachment_settings(&raw, Path::new("/d"), &mut problems);
        for field in [
            "s3_bucket",
            "s3_access_key_id",
            "s3_secret_access_key",
            "max_file_bytes",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(field)),
                "{field}: {problems:?}"
            );
        }
    }
}
