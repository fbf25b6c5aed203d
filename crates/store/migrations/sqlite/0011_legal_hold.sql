-- A legal hold on a recipient (a dispute, an investigation, a duty to keep a record): while
-- it lasts, their messages are not destroyed at expiry and an erasure request leaves them.
ALTER TABLE recipients ADD COLUMN legal_hold_until INTEGER;
ALTER TABLE recipients ADD COLUMN legal_hold_reason TEXT;
