## E-mail to a recipient: the notification
mail-notification-subject = { $sender } sent you a secure message
mail-notification-heading = You have received a secure message
mail-notification-intro = { $sender } of { $organisation } sent you a secure message. To protect your privacy, the message itself is not in this e-mail.
mail-notification-button = Open message
mail-notification-expiry = You can read the message until { $date }.
mail-notification-link-help = Does the button not work? Copy this link into your browser:
mail-notification-footer = You receive this e-mail because { $organisation } uses Zegel to send personal information securely. We will never ask you for a password.

## E-mail to a recipient: the verification code
mail-code-subject = Your code for the secure message
mail-code-body = Your code is: { $code }
mail-code-validity = The code is valid for 10 minutes and can be used once.
mail-code-ignore = Did you not ask for a code? Then you can ignore this e-mail.

## E-mail to the sender: a reply arrived
mail-reply-subject = { $recipient } replied to your secure message
mail-reply-intro = { $recipient } replied to your secure message "{ $subject }":
mail-reply-unavailable = { $recipient } replied to your secure message. The message has since expired or was revoked, so the reply can no longer be shown.

## Recipient portal
portal-title = Secure message
portal-from = { $sender } of { $organisation } sent you a secure message.
portal-why = To protect your privacy, we first check that this message is really for you.
portal-email-code-explain = We will send a 6-digit code to { $email }.
portal-send-code = Send me a code
portal-have-code = I already have a code
portal-code-label = Code from the e-mail
portal-code-hint = 6 digits, valid for 10 minutes
portal-access-code-explain = Enter the access code you agreed with { $sender }.
portal-access-code-label = Access code
portal-continue = Open message
portal-code-sent = A new code is on its way to { $email }. It is valid for 10 minutes.
portal-code-recent = A code was sent less than a minute ago. Please check your inbox and spam folder, or wait a moment before asking for a new code.
portal-check-spam = No e-mail after a few minutes? Check your spam folder, or ask for a new code.
portal-wrong-code = That code is not right. Please check it and try again.
portal-code-expired = This code has expired or was entered wrongly too often. Please ask for a new code.
portal-no-code-yet = Please ask for a code first.
portal-wait = Too many wrong attempts. { $minutes ->
    [one] You can try again in 1 minute.
   *[other] You can try again in { $minutes } minutes.
}
portal-locked = Too many wrong attempts. To protect you, this message is now locked. Please ask { $sender } to unlock it.
portal-unavailable-title = This message is not available
portal-unavailable = This link does not work (any more). Messages are available for a limited time, and senders can withdraw them. If you still need the message, ask the sender to send it again.
portal-expired-title = This message has expired
portal-expired = Messages are only available for a limited time. If you still need it, ask { $sender } to send it again.
portal-revoked-title = The sender revoked access
portal-revoked = { $sender } withdrew this message. Please contact the sender if you have questions.
portal-message-from = From
portal-message-subject = Subject
portal-message-expires = You can read this message until { $date }.
portal-your-reply = Your reply of { $date }
portal-reply-heading = Reply
portal-reply-label = Your reply
portal-reply-send = Send reply
portal-reply-sent = Your reply has been sent securely to { $sender }.
portal-reply-empty = Please write a reply before you send it.
portal-reply-too-long = Your reply is too long. Please shorten it to at most { $limit } characters.
portal-reply-files = Add files (optional)
portal-files-heading = Files
portal-file-too-large = The file “{ $file }” is too large to send. Nothing was sent; please try again with a smaller file.
portal-file-failed = The file “{ $file }” could not be received. Nothing was sent; please try again.
portal-form-expired = This page was open for too long. Please try again.
portal-session-ended = For your safety you were signed out after 30 minutes without activity. Please confirm who you are again.
portal-footer = Secure message service of { $organisation }
portal-back = Back to the message
error-internal-title = Something went wrong
error-internal = Something went wrong on our side. Please try again in a moment.

## Dates
date = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## SMS
sms-code = { $code } is your code for the secure message from { $organisation }. Valid for 10 minutes.
portal-sms-explain = We will send a code by text message to { $phone }.
portal-sms-code-label = Code from the text message
portal-sms-sent = A new code is on its way to { $phone }. It is valid for 10 minutes.
portal-sms-check = No text message after a few minutes? Ask for a new code.
portal-sms-capped = Too many codes were sent for now. Please try again later, or contact the sender.
portal-wrong-number = Number not right? Tell the sender
portal-wrong-number-sent = Thank you. We told { $sender } that this number is not right. You will get a new message once the sender has corrected it.

## E-mail to the sender: the recipient says the number is wrong
mail-wrong-number-subject = { $recipient } says the phone number is not right
mail-wrong-number-body = { $recipient } says the phone number { $phone } that you set for your secure message is not theirs. Please check the number and change it for this recipient, then send the message again.

## Proof of delivery (for the sender)
proof-title = Proof of delivery
proof-message = Message
proof-sent-by = Sent by { $sender } ({ $organisation }) on { $date }
proof-state = State: { $state }
proof-expires = Available until { $date }
proof-recipient = Recipient
proof-event = Event
proof-time = Time (UTC)
proof-no-events = Nothing has happened yet.
proof-integrity = These events come from the organisation's audit chain; each carries a MAC over the previous one. Newest record: { $seq }, MAC { $mac }.
portal-download-copy = Download a copy (.eml)
mail-gateway-held-subject = Your secure message is waiting: set how { $recipients } can open it
mail-gateway-held-body =
    Zegel has not sent your message yet, because it holds personal data and we do not know yet how these recipients can prove who they are: { $recipients }.

    Choose for each of them a text-message code (with their mobile number), an access code you agree with them, or a code by e-mail: { $how }

    As soon as every recipient has a check, your message goes out by itself. You do not need to send it again.
held-title = Your message is waiting
held-intro = { $sender }, your message holds personal data, so Zegel sends it securely. Choose how each recipient below proves who they are; the message goes out as soon as you save.
held-recipient = How does { $email } prove who they are?
held-method-email = A code by e-mail
held-method-sms = A text-message code
held-phone-label = Mobile number (for a text-message code)
held-method-access-code = An access code you agree with them (at least 8 characters)
held-access-code-label = Access code
held-submit = Save and send the message
held-done = Thank you. Your message is on its way; the recipients get an e-mail to open it.
held-unavailable = This page is no longer available: the message has been sent already, or the link is not complete.
held-problems = Please check: { $problems }
