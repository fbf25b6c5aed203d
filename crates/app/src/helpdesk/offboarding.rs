//! Each January, contacts who left (were deactivated) before the year began are offboarded:
//! their tickets move to the customer's general profile, then their profile and contact
//! record are deleted. Runs once a year, whichever worker gets there first.

use zegel_store::TicketProfile;

use crate::{App, AppResult, new_id};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct OffboardingReport {
    pub contacts: usize,
    pub tickets_moved: u64,
}

impl App {
    /// Does the year's offboarding if it is January and it has not run this year.
    pub async fn yearly_offboarding(&self) -> AppResult<Option<OffboardingReport>> {
        let now = time::OffsetDateTime::from_unix_timestamp(self.now())
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        if now.month() != time::Month::January {
            return Ok(None);
        }
        let year = now.year();
        // The first worker to record the year does the work.
        if !self
            .store
            .init_meta(&format!("helpdesk_offboarding_{year}"), "started")
            .await?
        {
            return Ok(None);
        }
        let start_of_year = time::Date::from_calendar_date(year, time::Month::January, 1)
            .expect("1 January exists")
            .midnight()
            .assume_utc()
            .unix_timestamp();
        let mut report = OffboardingReport::default();
        for contact in self
            .store
            .contacts_deactivated_before(start_of_year)
            .await?
        {
            let general = self
                .general_profile_of(&contact.org_id, &contact.customer_id)
                .await?;
            if let Some(profile) = self
                .store
                .profile_by_email(&contact.org_id, &contact.email)
                .await?
            {
                report.tickets_moved += self
                    .store
                    .merge_profile_into(&profile.id, &general.id)
                    .await?;
            }
            self.store.delete_contact(&contact.id).await?;
            report.contacts += 1;
            self.audit(
                &contact.org_id,
                "system",
                "helpdesk.contact_offboarded",
                &contact.id,
                serde_json::json!({"into_profile": general.id}),
            )
            .await?;
        }
        tracing::info!(?report, year, "helpdesk offboarding done");
        Ok(Some(report))
    }

    /// The customer's general profile, made the first time it is needed.
    async fn general_profile_of(
        &self,
        org_id: &str,
        customer_id: &str,
    ) -> AppResult<TicketProfile> {
        if let Some(profile) = self.store.general_profile(customer_id).await? {
            return Ok(profile);
        }
        let customer = self.store.customer(customer_id).await?;
        let profile = TicketProfile {
            id: new_id(),
            org_id: org_id.to_owned(),
            customer_id: Some(customer_id.to_owned()),
            // Not a mailbox: a stable key that no person's address can take.
            email: format!("general+{customer_id}@profiles.invalid"),
            name: customer.map(|c| c.name).unwrap_or_default(),
            general: 1,
            created_at: self.now(),
        };
        self.store.create_profile(&profile).await?;
        Ok(profile)
    }
}
