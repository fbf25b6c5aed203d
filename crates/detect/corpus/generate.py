"""Generates Zegel's labelled evaluation corpus for the personal-data detector.

Realistic Dutch and English e-mails from care, childcare, municipal and helpdesk settings:
half of them hold personal data of a person (labelled spans, offsets in code points), the
other half hold only look-alikes: order and invoice numbers, ordinary dates, role addresses,
switchboard numbers, signatures with the organisation's details, general health information,
version strings, invalid account numbers. Deterministic (fixed seed):

    python3 crates/detect/corpus/generate.py > crates/detect/corpus/messages.jsonl
"""
import json
import random
import string

rng = random.Random(20261123)

FIRST = ["Jan", "Anna", "Pieter", "Sanne", "Mohamed", "Fatima", "Emma", "Daan", "Lotte", "Kees", "Ingrid",
         "Thomas", "Sarah", "James", "Emily", "Michael", "Olivia", "David", "Laura", "Ruben", "Noor", "Henk"]
LAST = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
        "van Dijk", "Bos", "Vos", "Peters", "Hendriks", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "El Amrani"]
STREETS = ["Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Julianalaan", "Beukenlaan",
           "Prinsengracht", "Marktplein", "Hoofdstraat", "Parkweg", "Emmakade"]
EN_STREETS = ["Baker Street", "High Street", "Station Road", "Church Lane", "Park Avenue", "Elm Drive"]
CITIES = ["Amsterdam", "Utrecht", "Zwolle", "Groningen", "Tilburg", "Almere", "Leiden", "Arnhem"]
MEDICAL_NL = ["diabetes", "dementie", "depressie", "epilepsie", "astma", "ADHD", "autisme", "kanker", "COPD",
              "hartfalen", "burn-out", "reuma"]
MEDICAL_EN = ["diabetes", "dementia", "depression", "epilepsy", "asthma", "ADHD", "autism", "cancer",
              "heart failure", "schizophrenia"]
MEDS = ["metformine", "insuline", "methylfenidaat", "sertraline", "oxazepam", "lithium"]
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
ORGS = ["Zorggroep De Linde", "Kinderopvang Zonnestraal", "Gemeente Westerkwartier", "ICT Helpdesk Noord",
        "Thuiszorg Het Anker", "Stichting Welzijn Oost"]
ROLES = ["info", "support", "klantenservice", "administratie", "noreply", "helpdesk", "planning", "secretariaat"]


def digits(n):
    return "".join(rng.choice(string.digits) for _ in range(n))


def bsn(valid=True):
    while True:
        d = [rng.randint(0, 9) for _ in range(9)]
        d[0] = rng.randint(1, 9)
        total = sum((9 - i) * d[i] for i in range(8)) - d[8]
        if (total % 11 == 0) == valid and len(set(d)) > 1:
            s = "".join(map(str, d))
            style = rng.choice(["plain", "dots", "spaces"])
            if style == "dots":
                return f"{s[:3]}.{s[3:6]}.{s[6:]}"
            if style == "spaces":
                return f"{s[:4]} {s[4:6]} {s[6:]}"
            return s


def iban(valid=True):
    bank = rng.choice(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB"])
    account = digits(10)
    for check in range(100):
        candidate = f"NL{check:02d}{bank}{account}"
        rearranged = candidate[4:] + candidate[:4]
        number = int("".join(str(int(c, 36)) for c in rearranged))
        if (number % 97 == 1) == valid:
            if rng.random() < 0.5:
                return " ".join(candidate[i:i + 4] for i in range(0, len(candidate), 4))
            return candidate
    return candidate


def luhn_card(prefix, length, valid=True):
    while True:
        body = prefix + digits(length - len(prefix) - 1)
        for check in range(10):
            number = body + str(check)
            total = 0
            for i, ch in enumerate(reversed(number)):
                v = int(ch)
                if i % 2 == 1:
                    v *= 2
                    if v > 9:
                        v -= 9
                total += v
            if (total % 10 == 0) == valid:
                if length == 16 and rng.random() < 0.6:
                    return " ".join(number[i:i + 4] for i in range(0, 16, 4))
                return number


def mobile():
    # Dutch mobile numbers are 061–065 and 068.
    n = "6" + rng.choice("123458") + digits(7)
    return rng.choice([f"06-{n[1:]}", f"06 {n[1:3]} {n[3:5]} {n[5:7]} {n[7:]}", f"+31 6 {n[1:5]} {n[5:]}",
                       f"06{n[1:]}", f"+316{n[1:]}"])


def landline():
    return rng.choice(["020", "030", "010", "050", "038", "013"]) + "-" + digits(7)


def person_email(first, last):
    clean = last.lower().replace(" ", "")
    return rng.choice([f"{first.lower()}.{clean}", f"{first[0].lower()}{clean}", f"{first.lower()}{digits(2)}"]) + "@" + \
        rng.choice(["gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl"])


def postcode():
    letters = rng.choice(["AB", "CD", "GH", "KL", "MN", "PR", "TV", "XZ", "EK", "BJ"])
    return f"{rng.randint(1000, 9999)}{rng.choice([' ', ''])}{letters}"


def dob(lang):
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1935, 2019)
    style = rng.choice(["dash", "text"])
    if style == "dash":
        return f"{d:02d}-{m:02d}-{y}"
    return f"{d} {MONTHS_NL[m - 1]} {y}" if lang == "nl" else f"{MONTHS_EN[m - 1]} {d}, {y}"


def passport():
    letters = "ABCDEFGHIJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(2)) + "".join(rng.choice(letters + string.digits) for _ in range(6)) + str(rng.randint(0, 9))


def ip():
    return f"{rng.randint(31, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


class Builder:
    """Builds a message text while recording the code-point spans of personal data."""

    def __init__(self):
        self.text = ""
        self.spans = []

    def add(self, part, kind=None):
        if kind:
            self.spans.append({"start": len(self.text), "end": len(self.text) + len(part), "type": kind})
        self.text += part

    def template(self, template, values):
        """`template` has {name} fields; values: name -> (text, type or None)."""
        pos = 0
        while True:
            start = template.find("{", pos)
            if start < 0:
                self.add(template[pos:])
                return
            end = template.index("}", start)
            self.add(template[pos:start])
            text, kind = values[template[start + 1:end]]
            self.add(text, kind)
            pos = end + 1


def person():
    return rng.choice(FIRST), rng.choice(LAST)


POSITIVE_NL = [
    ("Het BSN van de cliënt is {bsn}.", lambda: {"bsn": (bsn(), "BSN")}),
    ("Burgerservicenummer: {bsn}", lambda: {"bsn": (bsn(), "BSN")}),
    ("Kunt u de vergoeding overmaken op rekening {iban}?", lambda: {"iban": (iban(), "IBAN")}),
    ("Mevrouw wil de toeslag graag op {iban} ontvangen.", lambda: {"iban": (iban(), "IBAN")}),
    ("U kunt mij bereiken op {phone}.", lambda: {"phone": (mobile(), "PHONE")}),
    ("Bel me gerust terug op {phone}, ik ben de hele dag thuis.", lambda: {"phone": (mobile(), "PHONE")}),
    ("Mijn nummer thuis is {phone}.", lambda: {"phone": (landline(), "PHONE")}),
    ("Zijn persoonlijke e-mailadres is {email}.", lambda: (lambda f, l: {"email": (person_email(f, l), "EMAIL")})(*person())),
    ("De cliënt is geboren op {dob}.", lambda: {"dob": (dob("nl"), "DATE_OF_BIRTH")}),
    ("Geboortedatum van de leerling: {dob}", lambda: {"dob": (dob("nl"), "DATE_OF_BIRTH")}),
    ("Zij woont sinds kort op de {street} in {city}.", lambda: {"street": (f"{rng.choice(STREETS)} {rng.randint(1, 250)}{rng.choice(['', 'a', 'b'])}", "ADDRESS"), "city": (rng.choice(CITIES), None)}),
    ("Het nieuwe adres is {street}, {pc} {city}.", lambda: {"street": (f"{rng.choice(STREETS)} {rng.randint(1, 99)}", "ADDRESS"), "pc": (postcode(), "POSTCODE"), "city": (rng.choice(CITIES), None)}),
    ("Gisteren sprak ik met {name} over de situatie thuis.", lambda: (lambda f, l: {"name": (f"{f} {l}", "PERSON")})(*person())),
    ("Het dossier van {name} is bijgewerkt.", lambda: {"name": (f"{rng.choice(['mevrouw', 'meneer', 'dhr.', 'mevr.'])} {rng.choice(LAST)}", "PERSON")}),
    ("Haar zoon heeft {med} en krijgt extra begeleiding.", lambda: {"med": (rng.choice(MEDICAL_NL), "MEDICAL")}),
    ("De cliënt gebruikt {med} 500 mg per dag.", lambda: {"med": (rng.choice(MEDS), "MEDICAL")}),
    ("Bij mijn moeder is vorige maand {med} vastgesteld.", lambda: {"med": (rng.choice(MEDICAL_NL), "MEDICAL")}),
    ("Ter controle het paspoortnummer: {doc}.", lambda: {"doc": (passport(), "ID_DOCUMENT")}),
    ("De betaling met creditcard {card} is mislukt.", lambda: {"card": (luhn_card(rng.choice(["4", "51", "2221"]), 16), "CREDIT_CARD")}),
    ("Er is ingelogd vanaf IP-adres {ip}, herkent u dat?", lambda: {"ip": (ip(), "IP_ADDRESS")}),
]
POSITIVE_EN = [
    ("The client's citizen service number is {bsn}.", lambda: {"bsn": (bsn(), "BSN")}),
    ("Please transfer the refund to account {iban}.", lambda: {"iban": (iban(), "IBAN")}),
    ("You can call me on {phone} after five.", lambda: {"phone": (mobile(), "PHONE")}),
    ("Her private address is {email}, please use that one.", lambda: (lambda f, l: {"email": (person_email(f, l), "EMAIL")})(*person())),
    ("Date of birth: {dob}", lambda: {"dob": (dob("en"), "DATE_OF_BIRTH")}),
    ("He was born on {dob} in Leeds.", lambda: {"dob": (dob("en"), "DATE_OF_BIRTH")}),
    ("She now lives at {street}, London {pc}.", lambda: {"street": (f"{rng.randint(1, 300)} {rng.choice(EN_STREETS)}", "ADDRESS"), "pc": (rng.choice(["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"]), "POSTCODE")}),
    ("I spoke with {name} about the placement.", lambda: (lambda f, l: {"name": (f"{f} {l}", "PERSON")})(*person())),
    ("Her son has {med} and needs extra support at school.", lambda: {"med": (rng.choice(MEDICAL_EN), "MEDICAL")}),
    ("The patient was diagnosed with {med} last year.", lambda: {"med": (rng.choice(MEDICAL_EN), "MEDICAL")}),
    ("His passport number is {doc}.", lambda: {"doc": (passport(), "ID_DOCUMENT")}),
    ("The card {card} was declined.", lambda: {"card": (luhn_card(rng.choice(["4", "55", "2720"]), 16), "CREDIT_CARD")}),
    ("We saw a login from IP address {ip} at night.", lambda: {"ip": (ip(), "IP_ADDRESS")}),
]

NEGATIVE_NL = [
    ("Uw ordernummer is {n}, de levering volgt binnen drie werkdagen.", lambda: {"n": (rng.choice([bsn(True).replace('.', '').replace(' ', ''), digits(9)]), None)}),
    ("Factuur {n} van {d} is inmiddels betaald.", lambda: {"n": (f"2024-{digits(4)}", None), "d": (f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-2024", None)}),
    ("De teamvergadering is verplaatst naar {d} om 14:00 uur.", lambda: {"d": (f"{rng.randint(1, 28)} {rng.choice(MONTHS_NL)} 2025", None)}),
    ("Vragen? Mail naar {e} of bel {p}.", lambda: {"e": (f"{rng.choice(ROLES)}@{rng.choice(['zorggroep.nl', 'gemeente.nl', 'opvang.nl'])}", None), "p": (rng.choice(["0800-" + digits(7), "088-" + digits(7), "0900-" + digits(7)]), None)}),
    ("Kom naar de informatieavond over {m} op {d}.", lambda: {"m": (rng.choice(MEDICAL_NL), None), "d": (f"{rng.randint(1, 28)} {rng.choice(MONTHS_NL)}", None)}),
    ("In de nieuwe brochure leest u meer over {m} en leefstijl.", lambda: {"m": (rng.choice(MEDICAL_NL), None)}),
    ("Installeer versie {v} van de app voor vrijdag.", lambda: {"v": (f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}", None)}),
    ("Het rekeningnummer {i} lijkt niet te kloppen.", lambda: {"i": (iban(False), None)}),
    ("Het pakket met kenmerk {n} is onderweg.", lambda: {"n": (digits(9), None)}),
    ("De totale kosten bedragen 1.250,00 euro inclusief btw, te betalen binnen 30 dagen.", lambda: {}),
    ("Het rooster voor week 12 staat online, met 24 uur per week.", lambda: {}),
    ("De ouderavond begint om 19:30 in lokaal 2.14.", lambda: {}),
    ("Ticket {n} is gesloten; de printer op de tweede verdieping werkt weer.", lambda: {"n": (digits(7), None)}),
    ("Het contract met nummer {n} loopt af op 31-12-2025.", lambda: {"n": (digits(10), None)}),
    ("De gemeente organiseert een webinar over {m} bij ouderen.", lambda: {"m": (rng.choice(MEDICAL_NL), None)}),
    ("Wij zijn bereikbaar op werkdagen van 9:00 tot 17:00 via {p}.", lambda: {"p": (rng.choice(["088-" + digits(7), "0800-" + digits(7)]), None)}),
    ("De server draait nu op 10.0.{a}.{b} in het interne netwerk na de update.", lambda: {"a": (str(rng.randint(0, 255)), None), "b": (str(rng.randint(1, 254)), None)}),
]
NEGATIVE_EN = [
    ("Your order {n} will ship within three working days.", lambda: {"n": (digits(9), None)}),
    ("Invoice {n} dated {d} has been paid.", lambda: {"n": (f"INV-{digits(6)}", None), "d": (f"{rng.choice(MONTHS_EN)} {rng.randint(1, 28)}, 2024", None)}),
    ("The team meeting moved to {d} at 2 pm.", lambda: {"d": (f"{rng.randint(1, 28)} {rng.choice(MONTHS_EN)} 2025", None)}),
    ("Questions? Write to {e}.", lambda: {"e": (f"{rng.choice(['info', 'support', 'hello', 'helpdesk'])}@{rng.choice(['example.com', 'care.org', 'council.gov.uk'])}", None)}),
    ("Join our information evening about {m} next Tuesday.", lambda: {"m": (rng.choice(MEDICAL_EN), None)}),
    ("Our webinar covers {m} care in the community.", lambda: {"m": (rng.choice(MEDICAL_EN), None)}),
    ("Please update to version {v} before Friday.", lambda: {"v": (f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}", None)}),
    ("Tracking number {n} shows the parcel in transit.", lambda: {"n": (luhn_card("4", 16, valid=False).replace(" ", ""), None)}),
    ("The total comes to 1,250.00 including VAT.", lambda: {}),
    ("Room 3.12 is booked from 10:00 to 11:30.", lambda: {}),
    ("Ticket {n} is closed; the printer works again.", lambda: {"n": (digits(7), None)}),
    ("Research into {m} treatment is progressing, according to the conference.", lambda: {"m": (rng.choice(MEDICAL_EN), None)}),
]

GREETINGS_NL = ["Beste {f},", "Geachte heer {l},", "Geachte mevrouw {l},", "Hallo {f},", "Beste meneer {l},", "Goedemiddag,"]
GREETINGS_EN = ["Dear {f},", "Dear Mr {l},", "Dear Mrs {l},", "Hi {f},", "Hello,"]
OPENERS_NL = ["Dank voor uw bericht.", "Hierbij een korte update.", "Zoals afgesproken stuur ik u de gegevens.", "Naar aanleiding van ons gesprek het volgende."]
OPENERS_EN = ["Thank you for your message.", "A short update below.", "As agreed, here are the details.", "Following our call, some notes."]
SIGNOFFS_NL = ["Met vriendelijke groet,", "Vriendelijke groet,", "Met vriendelijke groeten,", "Hartelijke groet,"]
SIGNOFFS_EN = ["Kind regards,", "Best regards,", "Regards,", "Yours sincerely,"]


def signature(lang):
    f, l = person()
    org = rng.choice(ORGS)
    domain = org.split()[-1].lower() + ".nl"
    lines = [f"{f} {l}", rng.choice(["Wijkverpleegkundige", "Pedagogisch medewerker", "Consulent", "Service desk", "Case manager"]) if lang == "nl" else rng.choice(["Care coordinator", "Team lead", "Service desk"]), org]
    if rng.random() < 0.8:
        lines.append(f"T: {landline()}" + (f" | M: {mobile()}" if rng.random() < 0.5 else ""))
    if rng.random() < 0.7:
        lines.append(f"E: {f.lower()}.{l.lower().replace(' ', '')}@{domain}")
    if rng.random() < 0.6:
        lines.append(f"{rng.choice(STREETS)} {rng.randint(1, 99)}, {postcode()} {rng.choice(CITIES)}")
    if rng.random() < 0.6:
        lines.append(f"KvK {digits(8)} | IBAN {iban()}")
    return "\n".join(lines)


def message(index, positive):
    lang = "nl" if rng.random() < 0.6 else "en"
    b = Builder()
    f, l = person()
    b.add(rng.choice(GREETINGS_NL if lang == "nl" else GREETINGS_EN).format(f=f, l=l) + "\n\n")
    b.add(rng.choice(OPENERS_NL if lang == "nl" else OPENERS_EN) + " ")
    negatives = NEGATIVE_NL if lang == "nl" else NEGATIVE_EN
    positives = POSITIVE_NL if lang == "nl" else POSITIVE_EN
    sentences = [(t, v, False) for t, v in rng.sample(negatives, rng.randint(0, 2))]
    if positive:
        sentences += [(t, v, True) for t, v in rng.sample(positives, rng.randint(1, 2))]
    elif not sentences:
        sentences = [(t, v, False) for t, v in rng.sample(negatives, 1)]
    rng.shuffle(sentences)
    for template, values, _ in sentences:
        b.template(template, values())
        b.add(" ")
    b.add("\n\n" + rng.choice(SIGNOFFS_NL if lang == "nl" else SIGNOFFS_EN) + "\n\n" + signature(lang))
    return {"id": f"m{index:04d}", "lang": lang, "text": b.text, "contains_personal_data": positive, "spans": b.spans}


def main():
    messages = [message(i, positive=i % 2 == 0) for i in range(400)]
    for m in messages:
        print(json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main()
