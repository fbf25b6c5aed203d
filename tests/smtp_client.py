"""A real SMTP client for Zegel's gateway tests (Python's smtplib).

Usage: python3 smtp_client.py PORT USER PASSWORD FROM TO[,TO...] < message
USER "-" sends without AUTH. Prints "250 <text>" when the message was accepted, or the
refusing reply as "<code> <text>"; the exit status is 0 either way.
"""
import smtplib
import sys

port, user, password, sender, recipients = sys.argv[1:6]
message = sys.stdin.buffer.read()
try:
    with smtplib.SMTP("127.0.0.1", int(port), timeout=30) as smtp:
        smtp.ehlo("client.example")
        if user != "-":
            smtp.login(user, password)
        smtp.sendmail(sender, recipients.split(","), message)
        print("250 accepted")
except smtplib.SMTPRecipientsRefused as error:
    code, text = next(iter(error.recipients.values()))
    print(code, text.decode(errors="replace"))
except smtplib.SMTPResponseException as error:
    print(error.smtp_code, error.smtp_error.decode(errors="replace"))
