//! Staff browser sessions: stored as hashes, a new id at every step up, idle and absolute
//! time limits.

use zegel_crypto::Token;
use zegel_store::{StaffSession, User};

use crate::{App, AppResult};

/// Idle minutes before a signed-in session ends (DESIGN §4).
pub const IDLE_SECONDS: i64 = 30 * 60;
/// However active, a session ends after a working day.
pub const ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;
/// Between the password and the second factor.
pub const STEP_SECONDS: i64 = 10 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; a TOTP or recovery code is due.
    SecondFactor,
    /// The password was right and no second factor is set up yet: set it up now.
    Enrol,
    SignedIn,
}

impl SessionStage {
    fn as_str(self) -> &'static str {
        match self {
            SessionStage::SecondFactor => "password",
            SessionStage::Enrol => "enrol",
            SessionStage::SignedIn => "signed_in",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [Self::SecondFactor, Self::Enrol, Self::SignedIn]
            .into_iter()
            .find(|stage| stage.as_str() == value)
    }
}

/// A request's session: who, and how far they are.
#[derive(Debug, Clone)]
pub struct StaffVisit {
    pub user: User,
    pub stage: SessionStage,
    pub(crate) session: StaffSession,
}

impl StaffVisit {
    pub fn is_admin(&self) -> bool {
        self.user.role == "admin"
    }
}

impl App {
    pub(crate) fn new_staff_session(
        &self,
        user: &User,
        stage: SessionStage,
    ) -> (Token, StaffSession) {
        let token = Token::generate();
        let now = self.now();
        let session = StaffSession {
            id_hash: token.hash().as_bytes().to_vec(),
            user_id: user.id.clone(),
            stage: stage.as_str().to_owned(),
            pending_secret_ct: None,
            created_at: now,
            last_seen_at: now,
        };
        (token, session)
    }

    pub(crate) async fn start_staff_session(
        &self,
        user: &User,
        stage: SessionStage,
    ) -> AppResult<Token> {
        let (token, session) = self.new_staff_session(user, stage);
        self.store.create_staff_session(&session).await?;
        Ok(token)
    }

    /// Moves a visit up a stage under a new session id, so an id seen before the step up is
    /// worth nothing after it.
    pub(crate) async fn step_up(
        &self,
        visit: &StaffVisit,
        stage: SessionStage,
    ) -> AppResult<Token> {
        let (token, mut session) = self.new_staff_session(&visit.user, stage);
        session.created_at = visit.session.created_at;
        self.store
            .replace_staff_session(&visit.session.id_hash, &session)
            .await?;
        Ok(token)
    }

    /// The session behind a cookie, if it is still valid; using it keeps it alive.
    pub async fn staff_visit(&self, presented: &str) -> AppResult<Option<StaffVisit>> {
        let Some(token) = Token::from_presented(presented) else {
            return Ok(None);
        };
        let hash = token.hash();
        let Some(session) = self.store.staff_session(hash.as_bytes()).await? else {
            return Ok(None);
        };
        let Some(stage) = SessionStage::parse(&session.stage) else {
            return Ok(None);
        };
        let now = self.now();
        let idle_limit = match stage {
            SessionStage::SignedIn => IDLE_SECONDS,
            _ => STEP_SECONDS,
        };
        let user = self.store.user(&session.user_id).await?;
        let expired =
            now - session.last_seen_at > idle_limit || now - session.created_at > ABSOLUTE_SECONDS;
        let active = user.filter(|u| u.deactivated_at.is_none());
        let Some(user) = active.filter(|_| !expired) else {
            self.store.delete_staff_session(hash.as_bytes()).await?;
            return Ok(None);
        };
        if now > session.last_seen_at {
            self.store.touch_staff_session(hash.as_bytes(), now).await?;
        }
        Ok(Some(StaffVisit {
            user,
            stage,
            session,
        }))
    }

    pub async fn sign_out(&self, visit: &StaffVisit) -> AppResult<()> {
        self.store
            .delete_staff_session(&visit.session.id_hash)
            .await?;
        Ok(())
    }
}
