//! The organisation's recipients as an administrator manages them: the list, and a CSV
//! import of identity checks agreed outside Zegel (for example access codes handed out at a
//! counter). An import with any bad line changes nothing, and says which lines to fix.

use serde::Deserialize;
use zegel_domain::Language;
use zegel_store::User;

use crate::recipients::RecipientSummary;
use crate::{App, AppError, AppResult, VerificationInput};

/// At most this many lines per import.
const MAX_LINES: usize = 10_000;

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
}

/// One line: `email,method,phone,access_code,language`.
#[derive(Deserialize)]
struct Line {
    email: String,
    method: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    access_code: String,
    #[serde(default)]
    language: String,
}

fn check_of(line: &Line) -> Result<VerificationInput, String> {
    let filled = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
    match line.method.trim() {
        "email_code" => Ok(VerificationInput::EmailCode),
        "sms" => Ok(VerificationInput::Sms {
            phone: filled(&line.phone),
        }),
        "access_code" => Ok(VerificationInput::AccessCode {
            access_code: filled(&line.access_code),
        }),
        other => Err(format!(
            "method '{other}' is not one of email_code, sms, access_code"
        )),
    }
}

impl App {
    pub async fn recipients_list(&self, admin: &User) -> AppResult<Vec<RecipientSummary>> {
        self.require_admin(admin)?;
        let recipients = self
            .store
            .recipients_of_organisation(&admin.org_id, 5000)
            .await?;
        Ok(recipients.into_iter().map(RecipientSummary::from).collect())
    }

    /// Imports `email,method,phone,access_code,language` lines (with that header).
    pub async fn import_recipients(&self, admin: &User, csv_text: &str) -> AppResult<ImportReport> {
        self.require_admin(admin)?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(csv_text.as_bytes());
        let mut problems = Vec::new();
        let mut plans = Vec::new();
        for (index, row) in reader.deserialize::<Line>().enumerate() {
            // Line 1 is the header.
            let number = index + 2;
            if index >= MAX_LINES {
                problems.push(format!("at most {MAX_LINES} lines per import"));
                break;
            }
            let line = match row {
                Ok(line) => line,
                Err(error) => {
                    problems.push(format!("line {number}: {error}"));
                    continue;
                }
            };
            let language = match line.language.trim() {
                "" => None,
                tag => match Language::from_tag(tag) {
                    Some(language) => Some(language),
                    None => {
                        problems.push(format!("line {number}: language '{tag}' is not nl or en"));
                        continue;
                    }
                },
            };
            let check = match check_of(&line) {
                Ok(check) => check,
                Err(problem) => {
                    problems.push(format!("line {number}: {problem}"));
                    continue;
                }
            };
            match self.plan_verification(admin, &line.email, &check).await {
                Ok((org, mut plan)) => {
                    plan.language = language;
                    plans.push((org, plan));
                }
                Err(AppError::Invalid(found)) => {
                    problems.extend(found.into_iter().map(|p| format!("line {number}: {p}")));
                }
                Err(other) => return Err(other),
            }
        }
        if problems.is_empty() && plans.is_empty() {
            problems.push("the file holds no lines below its header (email,method,phone,access_code,language)".to_owned());
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        for (org, plan) in &plans {
            self.remember_recipient(org, admin, plan, self.now())
                .await?;
        }
        self.audit_admin(
            admin,
            "recipients.imported",
            &admin.org_id,
            serde_json::json!({"lines": plans.len()}),
        )
        .await?;
        if let Some((org, _)) = plans.first() {
            self.retry_held_gateway_mail(&org.id).await?;
        }
        Ok(ImportReport {
            imported: plans.len(),
        })
    }
}
