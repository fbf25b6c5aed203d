## E-mail aan een ontvanger: de melding
mail-notification-subject = { $sender } heeft u een beveiligd bericht gestuurd
mail-notification-heading = U hebt een beveiligd bericht ontvangen
mail-notification-intro = { $sender } van { $organisation } heeft u een beveiligd bericht gestuurd. Om uw privacy te beschermen staat het bericht zelf niet in deze e-mail.
mail-notification-button = Bericht openen
mail-notification-expiry = U kunt het bericht lezen tot { $date }.
mail-notification-link-help = Werkt de knop niet? Kopieer dan deze link naar uw browser:
mail-notification-footer = U krijgt deze e-mail omdat { $organisation } Zegel gebruikt om persoonsgegevens veilig te versturen. Wij vragen u nooit om een wachtwoord.

## E-mail aan een ontvanger: de code
mail-code-subject = Uw code voor het beveiligde bericht
mail-code-body = Uw code is: { $code }
mail-code-validity = De code is 10 minuten geldig en kan één keer worden gebruikt.
mail-code-ignore = Hebt u geen code aangevraagd? Dan kunt u deze e-mail negeren.

## E-mail aan de afzender: er is een antwoord
mail-reply-subject = { $recipient } heeft uw beveiligde bericht beantwoord
mail-reply-intro = { $recipient } heeft uw beveiligde bericht "{ $subject }" beantwoord:
mail-reply-unavailable = { $recipient } heeft uw beveiligde bericht beantwoord. Het bericht is inmiddels verlopen of ingetrokken, daarom kan het antwoord niet meer worden getoond.

## Ontvangersportaal
portal-title = Beveiligd bericht
portal-from = { $sender } van { $organisation } heeft u een beveiligd bericht gestuurd.
portal-why = Om uw privacy te beschermen controleren we eerst of dit bericht echt voor u is.
portal-email-code-explain = We sturen een code van 6 cijfers naar { $email }.
portal-send-code = Stuur mij een code
portal-have-code = Ik heb al een code
portal-code-label = Code uit de e-mail
portal-code-hint = 6 cijfers, 10 minuten geldig
portal-access-code-explain = Vul de toegangscode in die u met { $sender } hebt afgesproken.
portal-access-code-label = Toegangscode
portal-continue = Bericht openen
portal-code-sent = Er is een nieuwe code onderweg naar { $email }. De code is 10 minuten geldig.
portal-code-recent = Er is minder dan een minuut geleden een code gestuurd. Kijk in uw inbox en uw map met ongewenste e-mail, of wacht even voordat u een nieuwe code vraagt.
portal-check-spam = Na een paar minuten nog geen e-mail? Kijk in uw map met ongewenste e-mail, of vraag een nieuwe code.
portal-wrong-code = Die code klopt niet. Controleer de code en probeer het opnieuw.
portal-code-expired = Deze code is verlopen of te vaak verkeerd ingevuld. Vraag een nieuwe code aan.
portal-no-code-yet = Vraag eerst een code aan.
portal-wait = Te vaak een verkeerde code. { $minutes ->
    [one] U kunt het over 1 minuut opnieuw proberen.
   *[other] U kunt het over { $minutes } minuten opnieuw proberen.
}
portal-locked = Te vaak een verkeerde code. Voor uw veiligheid is dit bericht nu geblokkeerd. Vraag { $sender } om het te deblokkeren.
portal-unavailable-title = Dit bericht is niet beschikbaar
portal-unavailable = Deze link werkt niet (meer). Berichten zijn een beperkte tijd beschikbaar en afzenders kunnen ze intrekken. Hebt u het bericht nog nodig? Vraag de afzender het opnieuw te sturen.
portal-expired-title = Dit bericht is verlopen
portal-expired = Berichten zijn maar een beperkte tijd beschikbaar. Hebt u het nog nodig? Vraag { $sender } het opnieuw te sturen.
portal-revoked-title = De afzender heeft de toegang ingetrokken
portal-revoked = { $sender } heeft dit bericht ingetrokken. Neem contact op met de afzender als u vragen hebt.
portal-message-from = Van
portal-message-subject = Onderwerp
portal-message-expires = U kunt dit bericht lezen tot { $date }.
portal-your-reply = Uw antwoord van { $date }
portal-reply-heading = Antwoorden
portal-reply-label = Uw antwoord
portal-reply-send = Antwoord versturen
portal-reply-sent = Uw antwoord is beveiligd verstuurd naar { $sender }.
portal-reply-empty = Schrijf eerst een antwoord voordat u het verstuurt.
portal-reply-too-long = Uw antwoord is te lang. Maak het korter, tot hoogstens { $limit } tekens.
portal-reply-files = Bestanden toevoegen (niet verplicht)
portal-files-heading = Bestanden
portal-file-too-large = Het bestand “{ $file }” is te groot om te versturen. Er is niets verstuurd; probeer het opnieuw met een kleiner bestand.
portal-file-failed = Het bestand “{ $file }” kwam niet goed binnen. Er is niets verstuurd; probeer het opnieuw.
portal-form-expired = Deze pagina stond te lang open. Probeer het opnieuw.
portal-session-ended = Voor uw veiligheid bent u na 30 minuten zonder activiteit afgemeld. Bevestig opnieuw wie u bent.
portal-footer = Beveiligde berichtendienst van { $organisation }
portal-back = Terug naar het bericht
error-internal-title = Er ging iets mis
error-internal = Er ging bij ons iets mis. Probeer het over een ogenblik opnieuw.

## Datums
date = { $day } { $month } { $year }
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## SMS
sms-code = { $code } is uw code voor het beveiligde bericht van { $organisation }. 10 minuten geldig.
portal-sms-explain = We sturen een code per sms naar { $phone }.
portal-sms-code-label = Code uit de sms
portal-sms-sent = Er is een nieuwe code onderweg naar { $phone }. De code is 10 minuten geldig.
portal-sms-check = Na een paar minuten nog geen sms? Vraag een nieuwe code.
portal-sms-capped = Er zijn voorlopig te veel codes verstuurd. Probeer het later opnieuw, of neem contact op met de afzender.
portal-wrong-number = Klopt het nummer niet? Laat het de afzender weten
portal-wrong-number-sent = Dank u. We hebben { $sender } laten weten dat dit nummer niet klopt. U krijgt een nieuw bericht zodra de afzender het heeft verbeterd.

## E-mail aan de afzender: de ontvanger zegt dat het nummer niet klopt
mail-wrong-number-subject = { $recipient } meldt dat het telefoonnummer niet klopt
mail-wrong-number-body = { $recipient } meldt dat het telefoonnummer { $phone } dat u voor uw beveiligde bericht hebt ingesteld, niet van hem of haar is. Controleer het nummer, pas het aan voor deze ontvanger en stuur het bericht opnieuw.

## Bewijs van aflevering (voor de afzender)
proof-title = Bewijs van aflevering
proof-message = Bericht
proof-sent-by = Verstuurd door { $sender } ({ $organisation }) op { $date }
proof-state = Status: { $state }
proof-expires = Beschikbaar tot { $date }
proof-recipient = Ontvanger
proof-event = Gebeurtenis
proof-time = Tijd (UTC)
proof-no-events = Er is nog niets gebeurd.
proof-integrity = Deze gebeurtenissen komen uit de auditketen van de organisatie; elke regel draagt een MAC over de vorige. Nieuwste regel: { $seq }, MAC { $mac }.
portal-download-copy = Download een kopie (.eml)
mail-gateway-held-subject = Uw beveiligde bericht wacht: stel in hoe { $recipients } het kan openen
mail-gateway-held-body =
    Zegel heeft uw bericht nog niet verstuurd, omdat het persoonsgegevens bevat en we nog niet weten hoe deze ontvangers kunnen aantonen wie ze zijn: { $recipients }.

    Kies voor ieder van hen een sms-code (met hun mobiele nummer), een toegangscode die u met hen afspreekt, of een code per e-mail: { $how }

    Zodra elke ontvanger een controle heeft, gaat uw bericht vanzelf weg. U hoeft het niet opnieuw te versturen.
held-title = Uw bericht wacht
held-intro = { $sender }, uw bericht bevat persoonsgegevens, dus Zegel verstuurt het beveiligd. Kies hoe elke ontvanger hieronder aantoont wie hij of zij is; het bericht gaat weg zodra u opslaat.
held-recipient = Hoe toont { $email } aan wie hij of zij is?
held-method-email = Een code per e-mail
held-method-sms = Een sms-code
held-phone-label = Mobiel nummer (voor een sms-code)
held-method-access-code = Een toegangscode die u met hen afspreekt (minstens 8 tekens)
held-access-code-label = Toegangscode
held-submit = Opslaan en bericht versturen
held-done = Dank u. Uw bericht is onderweg; de ontvangers krijgen een e-mail om het te openen.
held-unavailable = Deze pagina is niet meer beschikbaar: het bericht is al verstuurd, of de link is niet compleet.
held-problems = Controleer: { $problems }
