"""The text corpus of the demo-data generator: slot values, stock phrases and ticket topics.

A topic is one kind of IT request (VPN drops, printer jams, phishing reports...). Its
templates are written below in a small line format and parsed once at import; the
generator in :mod:`deskterm.demo.generate` fills their ``{slot}`` placeholders with
``str.format_map`` and a per-ticket mapping that draws each slot value on first use, so one
ticket keeps the same host name, site or application from its subject to its last reply.

Line format of :data:`_CORPUS`::

    == key; w=<frequency>; tags=a,b; kb=<article slug>; quick=<percent solved in one reply>
    @ q=<queue>:<weight>,...; t=<type>:<weight>,...; p=<priority weights>; c=<channel weights>
      u=<weights of the unsolved statuses open/pending/on_hold>
    S subject            D description (requester)     C context sentence (requester)
    A agent asks         T agent gives steps           F agent confirms the fix
    N internal note      R requester follow-up         H on-hold note        M monitoring alert
    --                   ends the cases: later lines are for the whole topic
    + continues the previous template on the next line

A run of ``S`` lines starts a *case*; every line up to the next ``S`` or ``--`` belongs to
it, so a subject only meets descriptions, replies and notes that fit it. A case without its
own lines of some kind uses the topic's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- slot values ------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Split on spaces; an underscore inside a word stands for a space."""
    return tuple(word.replace("_", " ") for word in text.split())


def _bar(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


def _series(prefix: str, start: int, stop: int, step: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for n in range(start, stop, step))


_FLOORS: Final = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th")
_DEPTS: Final = ("Finance", "Sales", "Marketing", "Legal", "HR", "Operations", "Engineering")

SLOTS: Final[dict[str, tuple[str, ...]]] = {
    "host": _series("LT-", 10_231, 99_999, 311) + _series("WS-", 2_004, 9_999, 97),
    "server": tuple(
        f"{role}-{env}-{n:02d}"
        for role in ("app", "web", "sql", "fs", "k8s-node", "dc")
        for env in ("prd", "stg")
        for n in (1, 2, 3, 7, 12)
    ),
    "floor": tuple(f"{floor} floor" for floor in _FLOORS),
    "printer": tuple(
        f"PRN-{floor}{wing}-{n:02d}" for floor in range(1, 9) for wing in "NESW" for n in (1, 2)
    ),
    "site": _bar("London|Berlin|Austin|Leeds|Toronto|Singapore|Lyon|Denver"),
    "room": _bar("Everest|Kilimanjaro|Fuji|Denali|Matterhorn|Olympus|K2|Etna"),
    "model": _bar(
        "Dell Latitude 7440|Dell Latitude 5540|ThinkPad T14 Gen 4|ThinkPad X1 Carbon Gen 11"
        '|HP EliteBook 840 G10|MacBook Pro 14"|MacBook Air M2|Surface Laptop 5'
    ),
    "dock": _bar("Dell WD19TB|Dell WD22TB4|ThinkPad USB-C Dock|HP G5 dock|CalDigit TS4"),
    "monitor": _bar("Dell U2723QE|Dell P2422H|LG 27UK850|HP E24 G5|Samsung S27A600"),
    "mobile": _bar("iPhone 15|iPhone 13|Pixel 8|Galaxy S23|Galaxy A54|iPhone SE"),
    "deskphone": _bar("Yealink T54W|Poly VVX 450|Cisco 8845|Yealink T46U"),
    "app": _bar(
        "Salesforce|Jira|Confluence|Workday|SAP|NetSuite|Tableau|DocuSign|HubSpot|Power BI"
        "|Zendesk|Xero"
    ),
    "swapp": _bar(
        "Visio|Power BI Desktop|Adobe Acrobat Pro|Python 3.12|Docker Desktop|Notepad++|VS Code"
        "|Tableau Desktop|AutoCAD LT|7-Zip|RStudio|Zoom|Figma|Wireshark"
    ),
    "crashapp": _bar("Excel|Word|Teams|Outlook|PowerPoint|OneNote"),
    "vpn": _bar("GlobalProtect|GlobalProtect|the VPN client|AnyConnect"),
    "vpnerr": _bar(
        "Gateway vpn-gw2: The network connection is unreachable|Error 809|Login timed out"
        "|Authentication failed: invalid certificate|The remote connection was denied"
        "|Portal status: Error"
    ),
    "winerr": _bar("0x80070005|0x800f081f|0x80190001|0x8024402c|0xc0000022|1603"),
    "mailerr": _bar(
        "Cannot start Microsoft Outlook. The set of folders cannot be opened.|Need password"
        "|Your mailbox is almost full|The operation failed. An object could not be found."
        "|550 5.7.1 Delivery not authorized"
    ),
    "printerr": _bar("Paper jam in tray 2|Offline|49.4C02 error|Toner low|Error state"),
    "mins": _bar("5|10|15|20|30|45"),
    "day": _bar("Monday|Tuesday|Wednesday|Thursday|Friday"),
    "time": _bar("9:30|10:00|11:15|13:00|14:30|15:00|16:45"),
    "dept": _DEPTS,
    "share": tuple(rf"\\fs-prd-0{n}\{dept}" for n in (1, 2) for dept in _DEPTS),
    "group": tuple(f"{d[:3].upper()}-{kind}" for d in _DEPTS for kind in ("Reports-RW", "Data-RO")),
    "mailbox": _bar("accounts.payable|hr-team|sales-emea|facilities|recruiting|legal"),
    "ssid": _bar("CORP-WIFI|CORP-5G|GUEST-WIFI|CORP-IOT"),
    "vendor": _bar("Dell|Lenovo|HP|Microsoft|Cisco|Okta|Palo Alto"),
    "case": _series("CS", 4_471_203, 4_999_999, 7_919),
    "rma": _series("RMA-", 880_112, 999_999, 1_013),
    "starter": _bar(
        "Priya Nair|Tom Becker|Lucia Moreno|Kwame Mensah|Hannah Schulz|Ravi Kapoor|Emily Carter"
        "|Jonas Lind|Mei Tanaka|Omar Haddad"
    ),
    "date": _bar("Monday the 3rd|the 1st|Monday the 10th|the 15th|Tuesday|the 20th"),
    "ext": _series("", 4_010, 4_999, 37),
    "sender": _bar(
        "payroll-update@secure-hr.example|it-support@micros0ft-login.example"
        "|no-reply@docu-sign.example|ceo.office@gmail.example|invoice@dhl-tracking.example"
    ),
    "bait": _bar(
        "Your password expires today|Unpaid invoice attached|Updated salary review"
        "|You have a voicemail|Shared document: Q4 bonus plan"
    ),
    "file": _bar("Q3 forecast.xlsx|contract_v7.docx|board-pack.pptx|budget 2025.xlsx"),
    "cert": _bar("vpn|wiki|intranet|api|mail|sso"),
    "port": _bar("443|1433|5432|8443|22|3389"),
    "ip": tuple(f"10.{a}.{b}.{c}" for a in (20, 40, 64) for b in (3, 17, 112) for c in (5, 80)),
    "size": _bar("48.9 GB|49.5 GB|99.1 GB|2 GB"),
    "http": _bar("502|503|504|500"),
    "manager": _bar("Anna Schmidt|Mark Evans|Sunita Rao|Pedro Alves|Claire Dupont|Tom Hughes"),
}

#: Slots drawn together (one row per ticket), so a service and its host name agree.
_SERVICES: Final = tuple(
    tuple(row.split(":"))
    for row in _bar(
        "Wiki:wiki|Payroll app:payroll|Intranet:intranet|Expenses portal:expenses|Jira:jira"
        "|Git server:git|CRM:crm|Timesheets:timesheets|HR portal:hr|Build server:ci"
        "|Booking system:booking"
    )
)
SLOT_GROUPS: Final[dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]] = {
    "service": (("service", "svchost"), _SERVICES),
    "svchost": (("service", "svchost"), _SERVICES),
}

# --- stock phrases ----------------------------------------------------------------------------

#: Decorations users add to a subject now and then.
SUBJECT_SUFFIX: Final = (" again", " - please help", " today", " asap", " (see screenshot)", "!")
REQ_GREET: Final = ("Hi,", "Hello,", "Hi team,", "Hi IT,", "Hello Service Desk,", "Good morning,")
REQ_SIGN: Final = ("Thanks", "Thank you", "Cheers", "Regards", "Many thanks", "Best")
AGENT_GREET: Final = ("Hi {first},", "Hello {first},", "Hi {first}, thanks for getting in touch.")
AGENT_SIGN: Final = (
    "Thanks,\n{}",
    "Best regards,\n{}\nIT Service Desk",
    "Cheers,\n{}",
    "Regards,\n{}",
)
#: Generic last sentences of a description, for incidents and for everything else.
INCIDENT_CONTEXT: Final = (
    "It started this morning.",
    "This is blocking my work today.",
    "I already tried restarting, no change.",
    "A couple of colleagues on the {floor} have the same problem.",
    "Not urgent, but it is annoying.",
    "I have a deadline at {time}, so any help is appreciated.",
)
REQUEST_CONTEXT: Final = (
    "Could you take a look when you have a moment?",
    "Thanks in advance.",
    "Let me know if you need anything else from me.",
    "Ideally before {date}, if possible.",
)
FOLLOW_UP: Final = (
    "Sure, screenshot attached.",
    "Done, let me know if you need anything else from me.",
    "I'm free after {time} if you want to remote in.",
    "My computer name is {host}, I'm on the {floor}.",
    "I'm out tomorrow, {time} today works for a call.",
)
THANKS: Final = (
    "That fixed it, thank you!",
    "All working again, thanks for the quick help.",
    "Confirmed, it works now. Thanks {agent}!",
    "Great, thanks. You can close this.",
    "Perfect, much appreciated.",
)
REOPEN: Final = (
    "Sorry, this is happening again since this morning.",
    "It worked for a day but the problem is back.",
    "Reopening: I still see the same thing after the restart.",
)
NOTES: Final = (
    "Called the user, no answer. Left a voicemail.",
    "Remote session with the user booked for {time}.",
    "Checked known errors, nothing open that matches.",
    "Searched the KB and older tickets, see similar case from last month.",
)
HOLD: Final = (
    "Waiting on {vendor} support, case {case}.",
    "On hold until the vendor ships the replacement part ({rma}).",
    "Parked until the change window on {day}.",
)
PENDING_ASK: Final = (
    "Just checking in: is this still a problem? If we don't hear back within three working days"
    " we'll close the ticket.",
    "Could you let me know a good time today for a remote session? I'll call you on Teams.",
    "We need your manager's approval before we go ahead; could you forward this to them?",
)
#: How an agent starts a ticket logged for someone without a contact record, per channel.
LOGGED: Final = {
    "walk_in": (
        "Walk-in at the {site} desk, no contact record.",
        "Logged on behalf of a visitor at the desk.",
    ),
    "phone": (
        "Phone call to the service desk, caller had no account email to hand.",
        "Caller from the {site} office, did not give an email address.",
    ),
}
REOPEN_NOTE: Final = ("The problem is back, reopening.", "Same issue again today, reopening.")
#: Rare asides appended to a few descriptions, so searches have rare words to look for:
#: (cumulative chance, text), rarest first.
RARE_ASIDES: Final = (
    (0.0002, " (The quokka sticker on my laptop lid is not the problem, I checked.)"),
    (0.0022, " Possibly related to the Zanzibar migration last weekend."),
)

# --- names ------------------------------------------------------------------------------------

#: Service desk staff (first and last name; handles are derived from them).
AGENT_NAMES: Final = _words(
    "Alice_Martin Ben_Wong Carla_Diaz David_Okafor Elena_Petrova Farid_Haddad Grace_Kim"
    " Hugo_Laurent Isabel_Costa James_O'Connor Kenji_Sato Laura_Fischer Marcus_Reed"
    " Nadia_Rahman Oliver_Brown Paula_Silva Quentin_Moreau Rosa_Alvarez Samir_Patel"
    " Tara_Nguyen Umar_Sheikh Vera_Novak Will_Turner Xin_Li Yusuf_Demir Zoe_Clarke"
    " Anil_Mehta Beth_Collins Chloe_Dubois Dmitri_Ivanov Erik_Larsen Fatima_Zahra"
    " Gabriel_Santos Hana_Yilmaz Ivan_Horvat Julia_Weber Kofi_Boateng Lena_Koch Mateo_Rossi"
    " Nina_Berg"
)
FIRST_NAMES: Final = _words(
    "Aaron Abigail Adam Aisha Alejandro Amara Amelia Andrea Ángel Anna Arjun Astrid Ayesha"
    " Benjamin Björn Bruno Camila Charlotte Chen Chloé Daniel Darius Diego Dylan Elif Ella"
    " Emma Ethan Eva Fatima Felix Freya Gabriela George Hamza Hannah Harper Henry Ibrahim"
    " Ines Isaac Jack Jana Javier Jin José Joshua Julia Kai Karen Kevin Laila Leo Liam Lily"
    " Lucas Łukasz Maja Marco Maria Mark Maya Mehmet Mia Michael Mohammed Nathan Noah Nora"
    " Olivia Omar Pablo Patrick Priya Rachel Rahul Ryan Sara Sebastian Sofia Søren Stefan"
    " Sunita Thomas Valentina Victor Wei William Yara Yuki Zainab Zoë"
)
LAST_NAMES: Final = _words(
    "Adams Ahmed Anderson Bailey Baker Becker Bianchi Brown Campbell Chen Clarke Cohen"
    " Costa Cruz Das Dubois Evans Fernández Fischer Garcia Gómez Green Gupta Hall Hansen"
    " Harris Hernández Hughes Ivanova Jackson Jansen Johnson Jones Kaur Khan Kim Kowalski"
    " Kumar Larsen Lee Lewis Lopez Martin Martínez Meyer Miller Moore Müller Murphy Nakamura"
    " Ng Nguyen Novak O'Brien Okafor Olsen Park Patel Perez Petrov Rossi Russo Schmidt"
    " Silva Singh Smith Suzuki Tanaka Taylor Thomas Thompson Walker Wang Weber White"
    " Williams Wilson Wójcik Wright Yamamoto Yilmaz Young Zhang van_der_Berg de_Vries"
)

# --- topics -----------------------------------------------------------------------------------

_CORPUS = r"""
== vpn_drop; w=8; tags=vpn,network; kb=vpn-troubleshooting; quick=15
@ q=Service Desk:4,Network L2:6; t=incident:10,question:1,problem:1; u=open:5,pending:4,on_hold:1
S VPN keeps dropping every {mins} minutes
S {vpn} disconnects all the time when working from home
S Can't stay connected to the VPN since {day}
D My VPN connection drops every {mins} minutes or so and I have to sign in again each time.
D Since {day} {vpn} disconnects me several times an hour, the icon goes grey then reconnects.
S VPN drops during Teams calls
S VPN disconnects when copying files
D The VPN connects fine but drops as soon as I copy large files from the shared drive.
D Every time I'm in a Teams call for more than ten minutes the VPN drops and the call freezes.
S VPN error "{vpnerr}"
S Unstable VPN on {host}
D When I connect to the VPN I get "{vpnerr}" and a minute later it disconnects.
--
C My laptop is {host}, I'm on home broadband and normal websites work fine.
C It happens on my home Wi-Fi and on my phone hotspot.
C I'm working from the {site} office this week, in case that matters.
A Which gateway does {vpn} show under Settings? A screenshot of the error would help,
+ and please tell me whether you are on Wi-Fi or on a cable.
A Does it also drop on another network, for example a phone hotspot? Please note the time
+ of the next disconnect so we can find it in the gateway logs.
T Please sign out of {vpn}, set the portal to vpn.corp.example, reboot and sign in again.
+ If it still drops, pick the {site} gateway manually.
T We've pushed a new {vpn} profile to {host}. Please restart, connect once on a cable and
+ let us know if the drops continue.
F The gateway you were pinned to had a full session table; we moved you to {site} and the
+ logs look clean for the last day. Closing this, just reply if it comes back.
F Your client was two versions behind. After the update the connection stayed up all day,
+ so I'm marking this as solved.
N Gateway logs: idle timeouts every {mins} min for this user, DPD failures from home router.
N RADIUS accepts fine, tunnel torn down by the client. Suspect MTU, asked user to test hotspot.
N Same pattern as two other tickets this week on the {site} gateway, linked to problem record.
R Tried that, it still drops. The last disconnect was at {time}.
R On the hotspot it stays connected, so maybe it's my router?
H Waiting on {vendor} to confirm the fix for the gateway memory leak, case {case}.

== vpn_access; w=3; tags=vpn,access; kb=vpn-setup; quick=40
@ q=Service Desk:6,Network L2:4; t=service_request:8,question:2; u=open:4,pending:5,on_hold:1
S Need VPN access to work from home
S VPN access request
D I need VPN access so I can work from home from {date}. My manager has approved it.
S VPN access for {starter}
S Request: VPN for external contractor
D Could you set up VPN for {starter}? They are a contractor in {dept} and start {date}.
F VPN access is ready for {starter}; the account expires on the contract end date.
S How do I set up the VPN on my new laptop?
S VPN client missing on new laptop
D I have a new laptop ({model}) and I don't know how to install the VPN.
F {vpn} is installed on {host} and you're in the VPN group. The setup guide is in the KB.
--
C My manager is {manager}, in copy.
A Could you ask your manager to approve the request by replying here? We also need the end
+ date if this is for a contractor.
T Install {vpn} from Software Center, then enter vpn.corp.example as the portal and sign in
+ with your normal account and MFA.
F Access is set up: the account is in the VPN-Users group and the client is installed on
+ {host}. The setup guide is in the KB if you need it again.
N Added to VPN-Users, licence count 412/500.
N Manager approval received by email, attached.
R My manager just replied with the approval.
R Installed it, where do I find the portal address?

== password; w=12; tags=password,account; kb=password-reset; quick=70
@ q=Service Desk:9,Identity & Access L2:1; t=service_request:7,incident:3,question:2
@ u=open:5,pending:4,on_hold:0; p=low:10,normal:70,high:18,urgent:2
S Password reset
S Forgot my password
S Please reset my password
D I forgot my password over the weekend and now I can't sign in to my laptop.
D I've forgotten my password after the holidays, can you reset it please?
S Password expired, can't log in
S Password expired while on holiday
S Expired password
D My password expired while I was on holiday and the reset page says my account is not eligible.
S Can't change my password, it says it does not meet requirements
S New password not accepted
D I'm trying to change my password but it keeps saying it does not meet the requirements.
F The new password was one of your last ten. I've explained the rules by phone and you've
+ now set a valid one.
S Reset password for {app}
S Can't log in to {app}
D I can't log in to {app}, it says my password is wrong but I'm sure it's right.
F Your Windows account was fine, {app} uses its own login. I've sent you a reset link for it.
--
C I'm at my desk on the {floor}, phone extension {ext}.
C I need to get in before my meeting at {time}.
A I can reset it now. To confirm your identity, could you call the desk from your registered
+ mobile or answer the security question we sent?
A Is this your Windows password or the one for {app}? They are separate accounts.
T Please go to passwordreset.corp.example, verify with your MFA app and choose a new password:
+ at least 14 characters, not one of your last 10.
F I've reset your password and sent a temporary one by SMS. You'll be asked to change it
+ at the next sign-in.
N Identity verified by callback to mobile on file.
N Temporary password issued, must change at next logon flag set.
N Self-service reset failed: user not registered for SSPR. Registered after reset.
R Got the SMS, I'm in now.
R It still says the password doesn't meet the requirements.

== lockout; w=6; tags=password,access; kb=account-lockout; quick=55
@ q=Service Desk:8,Identity & Access L2:2; t=incident:9,problem:1; p=normal:60,high:35,urgent:5
S Account locked out
S Locked out of my account
D My account is locked and I can't sign in to anything.
S My account keeps locking every morning
S Locked out again
D My account locks itself every morning around {time}, I haven't typed a wrong password.
S Account locked after password change
S Lockouts since changing my password
D Since I changed my password on {day} my account keeps locking out.
--
C I'm on {host}, maybe the phone still has the old password?
C This is the third time this week.
A Do you have an old password saved anywhere, for example mail on your {mobile} or a mapped
+ drive? Those keep trying the old one and lock you out.
T Please remove the work account from your {mobile} and add it again with the new password,
+ then tell me when you are done and I'll unlock you.
F Unlocked. The lockouts came from your phone's mail app with the old password, which you've
+ now updated, so it should not happen again.
F I've unlocked your account and cleared an old saved credential on {host}.
N Checked RADIUS and DC logs: lockout source {mobile} ActiveSync, bad password 5 attempts.
N Event 4740 on dc-prd-02, caller computer {host}. Stale credential in Credential Manager.
N Unlocked in AD, lockout counter reset.
R I've removed it from my phone. Still locked though.
R Found an old mapped drive with saved credentials, removed it.

== mfa; w=6; tags=mfa,account; kb=mfa-enrolment; quick=45
@ q=Service Desk:6,Identity & Access L2:4; t=service_request:5,incident:4,question:2
S New phone, need to move MFA
S MFA on new {mobile}
D I got a new phone ({mobile}) and the authenticator app is empty, I can't approve sign-ins.
F MFA is now registered on your new phone and the old device has been removed.
N Old MFA methods removed, sign-in logs show successful push from new device.
S MFA prompts not arriving
S Authenticator app shows wrong codes
D The MFA push notifications stopped arriving since {day}, I have to type the code each time.
D The codes from my authenticator app are always rejected.
F The phone clock was {mins} minutes off; after enabling automatic time the codes work.
A Is the date and time on your phone set automatically? Codes fail if the clock is off.
T Please allow notifications for the Authenticator app and turn off battery optimisation for it.
N Sign-in logs: MFA denied, "invalid verification code". Phone clock suspected.
R The clock was set manually, I've changed it to automatic.
S Lost my phone, can't approve sign-in
D I lost my phone on the train and now I can't get past the MFA prompt.
F The old phone is removed from your account and MFA is set up on the replacement.
N Lost device: revoked sessions and wiped the work profile in MDM.
R I don't have the old phone anymore, is that a problem?
S Enrol in MFA for the first time
S How do I set up MFA?
D I got an email saying I must set up MFA by {date}. How do I do that?
F You're enrolled: the authenticator and your mobile number are registered.
A Would you like to use your work phone or your personal phone for the authenticator app?
T Install Microsoft Authenticator, open mysignins.corp.example and choose Security info >
+ Add sign-in method > Authenticator app.
N User enrolled with the app and SMS as backup.
R I'll use my personal phone, is that OK?
--
C I'm travelling this week so I can't come to the desk.
A Can you confirm the last four digits of your registered mobile number? Then I can issue a
+ temporary access pass.
T I've issued a temporary access pass valid for 8 hours. Sign in at mysignins.corp.example,
+ remove the old device and add the authenticator on your {mobile}.
N Temporary access pass issued, identity verified via manager on Teams video.
R Done, the new phone shows the approval prompts now.

== printer; w=8; tags=printer; kb=printer-troubleshooting; quick=30
@ q=Service Desk:5,Workplace L2:5; t=incident:8,service_request:2,question:1
@ u=open:4,pending:3,on_hold:3; p=low:30,normal:60,high:10
S Printer {printer} not working
S Printer on the {floor} says "{printerr}"
D The printer {printer} on the {floor} shows "{printerr}" and nothing comes out.
F A technician cleared the jam in tray 2 and replaced the fuser; test pages print fine now.
N Printer SNMP shows tray 2 jam and fuser error. Engineer visit booked.
H Waiting for the {vendor} engineer visit for the fuser replacement, case {case}.
R The paper jam message is gone but it still doesn't print.
S Can't print from my laptop
S Print jobs stuck in the queue
D My print jobs just sit in the queue with status "Error - Printing". Other people can print.
F Your laptop had a stale print queue. I cleared the spooler remotely and the test page
+ went through.
S Add printer {printer} to my laptop
D Could you add {printer} to my laptop? It is the one next to meeting room {room}.
F {printer} is added to {host} and set as your default printer.
A Do you need colour printing as well? Colour is only enabled on request.
S Printer prints blank pages
D The printer near the kitchen on the {floor} prints blank or streaky pages.
F The toner cartridge was faulty. It's replaced and prints are clean again.
N Toner reordered, supplies cabinet on the {floor} was empty.
H Waiting for the toner delivery from {vendor}.
--
C I need to print contracts for a meeting at {time}.
C I've already turned it off and on again.
A Is this printer {printer} or a different one? Please check the label on the front and
+ whether the display shows an error.
T Please open Settings > Printers, remove {printer}, then add it again from
+ \\print-prd-01. The KB article explains it with screenshots.
N Driver on {host} was the old PCL5 one, pushed the universal driver.
N Print server queue for {printer} was paused, resumed it.
R It still shows offline on my laptop.

== laptop; w=7; tags=laptop,hardware; kb=laptop-slow; quick=10
@ q=Service Desk:4,Workplace L2:6; t=incident:8,service_request:3; u=open:4,pending:2,on_hold:4
S Laptop very slow
S {model} extremely slow
D My laptop ({model}) has become very slow since {day}, opening Outlook takes minutes.
F The disk was almost full and a BIOS update was pending. After cleanup and the update the
+ laptop is back to normal speed.
A How much free disk space do you have, and when did you last restart the laptop?
T Please restart, install the pending updates and then run Quick Repair for Office. The KB
+ article has the full list of first steps.
N Disk 97% full, 40 GB in Downloads. Cleared temp files with the user's OK.
R I restart every Friday, the disk shows 3 GB free.
S Laptop won't turn on
D My laptop {host} won't turn on, the power light blinks orange three times.
F The mainboard was replaced under warranty; {host} is ready for pick-up at the {site} desk.
S Cracked screen on my {model}
D I dropped my laptop and the screen is cracked; it still works on an external monitor.
F The screen is replaced. Your laptop is ready at the {site} desk.
S Battery drains in an hour
S Laptop battery swollen
D My {model} battery goes from full to empty in about an hour.
F We replaced the battery under warranty; {host} is ready for pick-up at the {site} desk.
N Diagnostics: battery health 41%, warranty valid until next year. Ordered part.
S Blue screen on {host}
S Laptop crashes with blue screen
D I keep getting a blue screen with stop code {winerr}, usually when I connect the dock.
F A faulty Thunderbolt driver caused the crashes. After the driver and BIOS update there have
+ been no blue screens for two days.
N Minidump points to the Thunderbolt driver, known issue with the dock firmware.
--
C I have all my work on it, is anything lost?
C It's about three years old.
A Could you send the asset tag from the sticker underneath and tell me when the problem started?
A Is the laptop plugged in when this happens? A photo of the screen would help.
T Please run the diagnostics (F12 at boot) and send me the result code, or bring the laptop to
+ the {site} desk and we'll give you a loan laptop while we look at it.
N Loan laptop issued, asset tag noted on the ticket.
N Warranty check on the asset tag: covered until next year.
R The code was 2000-0141.
R I can bring it to the desk at {time}.
H Replacement part ordered from {vendor}, {rma}. ETA five working days.

== docking; w=4; tags=laptop,docking,monitor; kb=docking-station; quick=35
@ q=Service Desk:5,Workplace L2:5; t=incident:7,service_request:3
S Docking station not detecting monitors
S Second screen not working with dock
D When I connect my laptop to the {dock} only one of the two {monitor} screens works.
F Dock firmware and the display driver are updated; both monitors work at full resolution now.
S {dock} keeps disconnecting
D The {dock} disconnects every few minutes, monitors and keyboard go off then come back.
F We swapped the USB-C cable for a certified Thunderbolt one; the dock has been stable since.
S Need a docking station for my desk
D I moved to the {floor} and my new desk doesn't have a docking station.
F A new {dock} is installed at your desk on the {floor}.
A Which laptop do you have, and how many monitors are on the new desk?
T We'll bring a {dock} to your desk on the {floor} tomorrow morning.
N Took a {dock} from the stock room, asset tag noted.
R It's a {model}, and there are two monitors.
H Waiting for docks to be delivered from {vendor}.
--
C My laptop is a {model}.
A Which ports are the monitors connected to on the dock, and do they work with a direct cable?
T Please update the dock firmware from the Software Center (Dock Firmware Update) and use
+ the DisplayPort outputs rather than HDMI.
N Dock firmware was 01.00.14, updated to latest. Known issue with the HDMI port on this model.
N Swapped the USB-C cable, the old one was not Thunderbolt certified.
R Updated it but the left screen is still black.
R The direct cable works, only through the dock it doesn't.

== outlook; w=7; tags=email,outlook; kb=outlook-profile-rebuild; quick=20
@ q=Service Desk:6,Messaging L2:4; t=incident:8,question:3
S Outlook keeps crashing
S Error: {mailerr}
D Outlook crashes a few seconds after it opens, it says "{mailerr}".
S Outlook stuck on "Loading profile"
D Outlook hangs on "Loading profile" every morning, I have to kill it in Task Manager.
S Outlook search not finding anything
D Searching in Outlook returns no results even for emails I can see in the inbox.
F I rebuilt your Outlook profile remotely and the search index; everything works again.
N Search index stuck at 0 items, rebuilt the index.
S Not receiving emails since {day}
S External emails not arriving
D I haven't received any external emails since {day}, internal ones arrive fine.
F A transport rule was blocking mail to you; it's fixed and the held messages were delivered.
A Could you tell me a sender's address and roughly when they sent it, so I can trace the
+ message?
N Message trace shows external mail rejected by transport rule, fixed the rule.
R One was from accounts@partner.example yesterday at {time}.
S Mailbox full
S Mailbox almost full warning
D I got a warning that my mailbox is full ({size}) and I can't send anything.
F Your archive policy was never applied. I've enabled online archive, the mailbox is at 60%.
T Please empty Deleted Items and move old mail to the Online Archive, which I've enabled
+ for you. Large attachments are the quickest win.
N Mailbox {size}, online archive not enabled. Enabled archive and retention policy.
R I've emptied Deleted Items, still says full.
--
C Webmail works normally.
C I'm on {host}.
A Does the same happen in Outlook on the web? Please also tell me your Outlook version
+ (File > Office Account).
T Please close Outlook, open Control Panel > Mail > Show Profiles, add a new profile and set
+ it as default. The KB article has screenshots.
F I rebuilt your Outlook profile; it opens normally and all folders are in sync.
N OST was corrupt, recreated the profile.
N Outlook build is current, no known issue for this version.
R Webmail works, only the desktop app crashes.
R The new profile is syncing, it's about halfway.

== mailbox_access; w=4; tags=email,access,shared-mailbox; kb=shared-mailbox-access; quick=50
@ q=Service Desk:4,Messaging L2:6; t=service_request:9,question:1
S Access to {mailbox} shared mailbox
S Add me to the {mailbox} mailbox
D Please give me access to the {mailbox} shared mailbox, I'm covering for a colleague.
S Shared mailbox not showing in Outlook
D I was given access to {mailbox} but it doesn't appear in Outlook.
F Automapping was off for you. I've turned it on, {mailbox} shows after an Outlook restart.
S Send as permission for {mailbox}
D I need Send As permission on {mailbox}@corp.example for the {dept} team.
--
C My manager is in copy and approves this.
A Could you ask the mailbox owner to approve this request by replying here?
T Access has been granted. Outlook needs about an hour to show it; restart Outlook after that.
F You now have Full Access and Send As on {mailbox}, it shows in Outlook after a restart.
N Granted FullAccess + SendAs, automapping on. Owner approval attached.
N User wanted Send on Behalf, not Send As. Changed.
R The owner has approved it now.
R It's there now, thank you.

== calendar; w=3; tags=calendar,email; kb=calendar-delegation; quick=45
@ q=Service Desk:6,Messaging L2:4; t=question:5,incident:4,service_request:2
S Meeting invites disappearing from my calendar
D Meeting invites I accepted disappear from my calendar after a day.
F The calendar app on your phone was removing invites. With the Outlook app it's fine now.
A Do you use your calendar on your {mobile} too? Some mail apps delete accepted invites.
T Please remove the work account from the phone's built-in calendar app and use Outlook for
+ iOS or Android instead.
R Yes, I use the default mail app on my phone.
S Can't see my colleague's calendar
D I can't see the free/busy times of my team when scheduling a meeting.
F Calendar permissions are fixed; you can see your team's availability again.
A Is it one colleague or the whole team? A screenshot of the Scheduling Assistant helps.
T Open the calendar, click Add calendar > From directory and pick your colleague.
S Delegate access to my calendar
D Please give my assistant delegate access to my calendar.
F Your assistant now has Editor rights as a delegate on your calendar.
A Which rights should your assistant have: view only, or also accept meetings for you?
S Meeting room {room} not accepting bookings
D Room {room} on the {floor} declines every booking with no reason.
F The room mailbox booking policy was wrong; {room} accepts bookings again.
N Room mailbox had BookInPolicy empty, set to everyone.
A Since when does the room decline, and what does the decline message say?
T As a workaround please book {room} through the room finder while we check its settings.
--
A Could you send a screenshot of what you see in Outlook?
T In Outlook go to File > Account Settings > Delegate Access > Add, pick your delegate and
+ choose Editor for Calendar.
N Calendar permissions fixed, default set to free/busy with subject.
N Checked the mailbox audit log for calendar changes.
R I've sent you a screenshot.

== drive_access; w=6; tags=access,shared-drive; kb=shared-drive-access; quick=40
@ q=Service Desk:4,Identity & Access L2:6; t=service_request:9,incident:2
@ u=open:3,pending:6,on_hold:1
S Access to {share}
S Need write access to {group}
D I need access to {share} for the quarterly reporting. My manager approved it.
D Please add me to {group}, I joined the {dept} team this month.
F You're now a member of {group}. After signing out and in, the folder opens for you.
S Access denied on the {dept} shared drive
D I get "Access denied" when I open the {dept} folder on the shared drive.
F Your group membership had expired with the old role. Re-added to {group}, access works.
S Mapped drive missing
D My mapped drive for {share} disappeared after the restart.
F The drive mapping script failed on {host}; it runs again at login and the drive is back.
A Does the drive come back if you restart while connected to the VPN?
T Please type {share} in the File Explorer address bar; if it opens, right-click This PC >
+ Map network drive and pick a letter.
N Logon script log on {host} shows a timeout reaching fs-prd-01 before the VPN was up.
R Yes, after a restart on the VPN it's back.
--
A Could you ask the data owner for {dept} to approve the access here? We need written approval.
A Do you need read-only or read/write access?
T Please sign out and back in so your new group membership applies, then open {share} again.
N Added to {group}, approval from data owner attached.
N Requested folder has restricted HR data, asked the owner for approval.
R My manager has approved it in this thread.
R I signed out and in, still access denied.

== app_access; w=6; tags=access,software; kb=software-request; quick=40
@ q=Service Desk:3,Identity & Access L2:4,Applications L2:3; t=service_request:9,incident:2
S Access to {app}
S Add me to {app} for the {dept} team
D Could I get access to {app}? I'm starting on a project with the {dept} team.
S {app} says I don't have permission
D When I open {app} it says I'm not assigned to the application.
S Need a {app} licence
D I need a {app} licence from {date}, my manager approved it.
F Licence assigned; {app} may take up to an hour to show you in the user list.
--
A Which role do you need in {app}? Your manager or the app owner must approve it.
T I've assigned the {app} app to your account. Sign out of the browser session and try again.
F You now have access to {app} with the standard user role.
N App owner approved in the access portal. Assigned via group APP-{app}-Users.
N No free {app} licences, requested two more from procurement.
R Standard user is fine.
H Waiting for procurement to buy more {app} licences.

== onboarding; w=4; tags=onboarding,access; kb=onboarding-checklist; quick=5
@ q=Service Desk:3,Identity & Access L2:7; t=service_request:10; c=api:40
@ u=open:5,pending:3,on_hold:2; p=low:5,normal:70,high:25
S New starter: {starter}, {dept}, starting {date}
S Onboarding {starter}
S Laptop and accounts for new hire {starter}
D {starter} joins the {dept} team on {date} and needs a laptop, email and access to {app}.
D We have a new hire starting {date}: {starter}, role analyst, same access as the rest of
+ the {dept} team.
D HR onboarding request: {starter}, department {dept}, start date {date}, location {site}.
--
C Please have the laptop ready on the first morning.
A Which team member's access should we copy? And does {starter} need a phone?
T The account and mailbox are created. The laptop will be at the {site} desk on the first day;
+ the manager receives the temporary password.
F Everything is ready for {starter}: account, mailbox, {model} laptop and {app} access.
N Account created, licence assigned, groups copied from a team member.
N Laptop {host} imaged and assigned, waiting for delivery to {site}.
R Please copy the access of {manager} in {dept}. A phone is not needed.
H Waiting for the laptop delivery from {vendor}.

== offboarding; w=3; tags=offboarding,access; kb=offboarding-checklist; quick=10
@ q=Service Desk:3,Identity & Access L2:7; t=service_request:10; c=api:40
S Leaver: {starter}, last day {date}
S Offboarding {starter}
S Disable account for departing employee
D {starter} from {dept} leaves on {date}. Please disable the accounts at the end of the day.
D HR offboarding request: {starter}, last working day {date}, laptop to be returned to {site}.
--
C Please forward their email to the manager for 30 days.
A Should the mailbox be converted to shared or forwarded to the manager?
T The account will be disabled at 18:00 on the last day and the mailbox converted to shared.
F The account is disabled, the mailbox is shared with the manager and the laptop is returned.
N Account disabled, removed from all groups, MFA methods revoked.
N Laptop {host} returned and wiped.
R Convert it to shared please, the manager needs the history.

== outage_app; w=3; tags=outage; kb=service-status; quick=10
@ q=Applications L2:6,Infrastructure L3:4; t=incident:9,problem:2
@ p=low:0,normal:20,high:50,urgent:30; c=monitoring:35,email:25,web:15,chat:15,phone:10
S {service} down
S {service} returns {http}
S {service} not loading
D {service} shows a {http} error since about {time}. Nobody in {dept} can use it.
D I can't log in to {service}, it just shows "Service Unavailable".
M Monitoring alert: {service} health check failed (HTTP {http}) from 3 probes for 5 minutes.
M Monitoring alert: https://{svchost}.corp.example returns {http} on 100% of requests.
S {service} very slow for everyone
S Can't reach https://{svchost}.corp.example
D https://{svchost}.corp.example is extremely slow, pages take a minute to load.
M Monitoring alert: {server} CPU above 95% for 10 minutes, {service} response time 12 s.
--
C Is there an outage?
C Colleagues in {site} see the same.
A Thanks for reporting. Does it fail for you on every page or only at login?
T We are aware of the problem with {service} and working on it. Updates are on the status page.
F {service} is back: a failed deployment was rolled back on {server}. Sorry for the trouble.
F The database server ran out of disk; we freed space and {service} works again.
N {server}: app pool crashed, restarted. Root cause: memory leak after last release.
N Load balancer marked all nodes down, health check path changed in the release.
N Major incident opened, comms sent to all staff.
R It works again for me, thanks.
H Waiting on the {vendor} support case {case} for the storage array.

== network_outage; w=2; tags=outage,network; kb=service-status; quick=10
@ q=Network L2:7,Infrastructure L3:3; t=incident:9,problem:2
@ p=normal:25,high:50,urgent:25; c=monitoring:30,phone:30,email:20,chat:20
S No network on the {floor} in {site}
S Wired network ports dead near {room}
D Nobody on the {floor} has network since {time}, Wi-Fi and cable both.
F The uplink module in the {floor} switch was replaced, all ports are up.
M Monitoring alert: core switch on the {floor} in {site} unreachable (ICMP), 48 ports down.
N Switch stack member 2 failed, RMA raised.
H Waiting for the replacement switch module, {rma}.
S Internet down at the {site} office
S Network very slow in {site}
D The internet at the {site} office is down, we can only use mobile data.
D The network in {site} is extremely slow today, file copies take forever.
F The ISP fixed a fibre cut; the {site} link is back at full speed.
M Monitoring alert: WAN link to {site} packet loss 35% for 10 minutes.
N ISP ticket {case} opened, ETA four hours.
H Waiting on the ISP ({case}) to repair the fibre.
--
A Is it the whole floor or only some desks? Do the phones work?
T We've found the fault and an engineer is on the way. Mobile hotspots are in the cabinet at
+ reception.
N Major incident opened, site contacts informed.

== wifi; w=5; tags=wifi,network; kb=wifi-connect; quick=35
@ q=Service Desk:5,Network L2:5; t=incident:7,question:3
S Can't connect to {ssid}
D My laptop won't connect to {ssid}, it says "Can't connect to this network".
F Your laptop certificate had expired; it was renewed and {ssid} connects again.
N NPS log: certificate expired for {host}, forced renewal via Intune.
S Wi-Fi drops in meeting room {room}
S Wi-Fi very slow on the {floor}
D The Wi-Fi in meeting room {room} drops every few minutes, calls freeze.
D The Wi-Fi on the {floor} is very slow since {day}.
F The access point near {room} was overloaded; we added one and the drops are gone.
N Wireless controller shows AP-{site}-12 with 60 clients, channel interference.
R It works in the kitchen but not at my desk.
S Guest Wi-Fi for visitors
D We have visitors from a partner on {date}, how do they get Wi-Fi?
F Reception will give the visitors a GUEST-WIFI code valid for the day.
A How many visitors, and for how many days?
T Reception hands out GUEST-WIFI codes valid for one day; for longer visits we create a
+ code for the week.
N Created a one-week guest code and sent it to the host by email.
R Four visitors, for two days.
--
C My phone connects fine.
A Which network name do you see, and does it fail in other rooms as well?
T Please forget {ssid} in the Wi-Fi settings and connect again; it should use your laptop
+ certificate. Visitors can use GUEST-WIFI with the code from reception.
N Checked the wireless controller, client connected on 5 GHz with a good signal.
R My phone works on the same network.

== software_install; w=7; tags=software,install; kb=software-center-install; quick=45
@ q=Service Desk:6,Applications L2:4; t=service_request:9,question:2; u=open:4,pending:5,on_hold:1
S Install {swapp}
S Software request: {swapp}
D Could you install {swapp} on my laptop {host}? I need it for a project.
S {swapp} not available in Software Center
D I need {swapp} but it's not in Software Center. Can you add it?
F We packaged {swapp} and it's available in Software Center for everyone.
S Need admin rights to install {swapp}
D I tried to install {swapp} but it asks for an administrator password.
--
C My manager is fine with it.
A Is the free version enough or do you need a paid licence? Paid software needs manager approval.
T {swapp} is now in Software Center for you: open Software Center, search for it and click
+ Install.
F {swapp} is installed on {host}.
N Checked licence pool: 3 free seats. Deployed to {host}.
N Security review needed for {swapp}, sent to Security L3.
R It failed with error {winerr}.
R The free version is enough.
H Waiting for the security review of {swapp}.

== software_crash; w=5; tags=software; kb=laptop-slow; quick=25
@ q=Service Desk:6,Applications L2:4; t=incident:9,problem:1
S {crashapp} keeps crashing
S {crashapp} closes by itself
D {crashapp} closes by itself a few minutes after I start it, no error message.
S {crashapp} won't open after update
S Error {winerr} in {crashapp}
D Since the update on {day} {crashapp} doesn't open at all, it shows error {winerr}.
S {crashapp} freezes when opening files
D {crashapp} freezes when I open {file} from the shared drive.
--
C Other apps work.
A Does it happen with all files or only one? Could you send the error from the event log?
T Please run the Office repair: Settings > Apps > Microsoft 365 > Modify > Quick Repair,
+ then restart.
F The Office repair fixed it; {crashapp} starts normally now.
F A faulty add-in made {crashapp} crash. I disabled it.
N Event log: faulting module mso30win32client.dll, known issue. Rolled back the channel.
N Add-in from {vendor} crashing, disabled via policy.
R Quick repair didn't help, online repair is running now.

== phone; w=3; tags=phone; kb=desk-phone-setup; quick=30
@ q=Service Desk:5,Workplace L2:5; t=incident:6,service_request:4; u=open:4,pending:2,on_hold:4
S Desk phone shows "No service"
D My desk phone ({deskphone}, extension {ext}) shows "No service" since this morning.
F The desk phone lost its provisioning; after a factory reset it registered again.
A Is the phone cable plugged into the port marked with a phone symbol?
T Please unplug the phone for ten seconds and plug it back in; if it still shows
+ "No service", tell me your desk number.
N Phone not registered in Call Manager, reprovisioned extension {ext}.
S New mobile phone request
S Broken work phone
D My work phone ({mobile}) has a broken screen, can I get a replacement?
F A new {mobile} is ready; please bring the old one to the {site} desk.
A Is the phone still usable, and do you need to keep the same number?
T Please back up your photos; the new phone keeps your number and the work apps install
+ themselves once you sign in.
N Mobile order placed with the carrier.
H Waiting for the carrier to deliver the new {mobile}.
S Voicemail PIN reset
D I forgot my voicemail PIN for extension {ext}.
F Your voicemail PIN is reset; the temporary PIN was sent to you by SMS.
A Can you confirm your extension and the last four digits of your mobile number?
T I've reset your voicemail PIN to a temporary one sent by SMS, change it at first login.
S Teams calls drop on my {mobile}
D Teams calls on my {mobile} drop after a few minutes on mobile data.
F The Teams app was two versions old; after the update the calls stay up.
A Does it also happen on Wi-Fi, or only on mobile data?
T Please update Teams from the app store and turn off battery saver for the Teams app.
N Call quality dashboard shows packet loss on mobile data only.
R It only happens on mobile data.
--
A Which phone is it, and what does the display or the error say?
T Please restart the phone; if the problem stays, bring it to the {site} desk.
N Checked the phone inventory and the user's extension.

== phishing; w=4; tags=phishing,security; kb=phishing-report; quick=50
@ q=Service Desk:4,Security L3:6; t=incident:8,question:2; c=email:70,web:15,phone:10,chat:5
@ p=low:5,normal:55,high:35,urgent:5
S Suspicious email: "{bait}"
S Phishing? Email from {sender}
D I got an email from {sender} saying "{bait}". It looks fake, I didn't click anything.
D Several people in {dept} got the same email "{bait}" from {sender}.
F Thanks for reporting. The email was phishing; we blocked {sender} and removed it from all
+ mailboxes.
N Purged 37 copies via content search, blocked sender domain and URL.
R No, I didn't click anything.
S I clicked a link in a strange email
S Fake Microsoft login page
D I clicked the link in an email about "{bait}" and typed my password before I noticed.
F We reset your password and revoked all sessions. No suspicious sign-ins were found.
N User entered credentials: forced reset, sessions revoked, sign-in logs clean.
R Yes, I typed my password. Sorry!
--
C The email is attached.
A Did you enter your password or open an attachment? Please answer quickly so we can act.
T Please don't open the attachment. Use the "Report phishing" button in Outlook and
+ delete the email.
N Header analysis: SPF fail, sending IP on a known blocklist.
R I've forwarded it as an attachment.

== security_incident; w=2; tags=security; kb=lost-device; quick=15
@ q=Security L3:7,Identity & Access L2:3; t=incident:9,problem:1; p=normal:40,high:45,urgent:15
S Lost laptop
D I lost my laptop ({host}) on the way home, it was in a bag on the train.
F The laptop has been wiped remotely and your sessions revoked. A replacement is on the way.
N BitLocker confirmed on {host}, remote wipe sent via Intune.
S Stolen phone with work email
D My {mobile} was stolen last night, it has my work email on it.
F The phone has been wiped remotely and your sessions revoked.
N Work profile wiped via MDM, sessions revoked.
S Unusual sign-in alert for my account
D I got an alert about a sign-in from a country I haven't been to.
F We blocked the sign-in, reset your password and re-registered MFA. No data was accessed.
A Were you travelling, or using a VPN service, at that time?
N Sign-in from {ip} via legacy auth, blocked. Password reset, MFA re-registered.
R No, I was at home all weekend.
S Possible malware on {host}
D My laptop shows pop-ups and the antivirus says a threat was quarantined.
F The threat was quarantined and a full scan is clean; we reimaged the laptop to be safe.
A Did you download or open anything unusual today?
T Please unplug the network cable, turn off Wi-Fi and leave the laptop on; a security
+ analyst will call you.
N EDR: trojan quarantined, isolated host, reimage scheduled.
R I opened an invoice attachment this morning.
--
A When did you last see the device, and was it locked? Please also file a police report.
T Please don't sign in anywhere until we call you. We are locking the account as a precaution.
N Security incident record opened, timeline attached.
R I last used it at {time} yesterday, it was locked.

== file_restore; w=3; tags=backup,shared-drive; kb=file-restore; quick=35
@ q=Service Desk:3,Infrastructure L3:7; t=service_request:9,incident:1
S Restore deleted file {file}
S Accidentally deleted {file}
D I deleted {file} from {share} by mistake on {day}. Can it be restored?
N Restored from snapshot to the original location.
S Need previous version of {file}
D Someone overwrote {file} and we need the version from last week.
S Folder missing on {share}
D A whole folder disappeared from the {dept} shared drive.
F The folder was moved, not deleted: it was in the Archive subfolder. I've moved it back.
N Checked the file audit log, the folder was moved by a colleague.
--
A What is the full path and roughly when was it last fine?
T You can restore it yourself: right-click the folder > Properties > Previous Versions.
F {file} is restored from last night's backup into the original folder.
N Restored from last night's backup, 2 files, to the original location.
R The path was {share}\Reports, it was fine on {day}.

== change; w=3; tags=change; kb=service-status; quick=5
@ q=Infrastructure L3:5,Network L2:3,Security L3:2; t=change:8,service_request:2
@ u=open:4,pending:2,on_hold:4; p=low:20,normal:60,high:18,urgent:2
S Renew TLS certificate for {cert}.corp.example
D The TLS certificate for {cert}.corp.example expires in 14 days and needs renewing.
F The new certificate for {cert}.corp.example is installed and valid for one year.
S Firewall rule: allow {ip} to {server} port {port}
D Please open port {port} from {ip} to {server} for the new integration.
F The firewall rule is in place; port {port} from {ip} to {server} is open and tested.
S DNS record for {svchost}.corp.example
D We need a DNS record for {svchost}.corp.example pointing to {server}.
F The DNS record {svchost}.corp.example now points to {server}.
S Increase disk on {server}
S Patch {server} in the next maintenance window
D {server} is at 91% disk usage, please add 200 GB.
D {server} is missing this month's security patches, please patch it in the next window.
F The change is done and verified; monitoring for {server} is green.
--
C Change board approval is attached.
A Is this approved by the change board? We need the change number.
T Scheduled for the maintenance window on {day} at 22:00.
N CAB approved, implementation plan and rollback attached.
N Implemented in the window, verified with the requester.
R Change number is attached now.
H Waiting for the maintenance window on {day}.
"""


@dataclass(slots=True)
class Case:
    """Subjects and descriptions that fit together, with the other texts specific to them."""

    subjects: tuple[str, ...]
    descriptions: tuple[str, ...]
    texts: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class Topic:
    """One kind of ticket: its routing, proportions and text templates."""

    key: str
    weight: int
    tags: tuple[str, ...]
    kb: str | None
    quick: float
    queues: dict[str, int]
    types: dict[str, int]
    priorities: dict[str, int] | None
    channels: dict[str, int] | None
    unsolved: dict[str, int] | None
    cases: tuple[Case, ...]
    texts: dict[str, tuple[str, ...]]


def _weights(spec: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in spec.split(","):
        name, _, weight = item.rpartition(":")
        out[name.strip()] = int(weight)
    return out


def _topic(
    fields: dict[str, str], cases: list[dict[str, list[str]]], texts: dict[str, list[str]]
) -> Topic:
    w = _weights
    return Topic(
        key=fields["key"],
        weight=int(fields["w"]),
        tags=tuple(fields["tags"].split(",")),
        kb=fields.get("kb"),
        quick=int(fields.get("quick", "25")) / 100,
        queues=w(fields["q"]),
        types=w(fields["t"]),
        priorities=w(fields["p"]) if "p" in fields else None,
        channels=w(fields["c"]) if "c" in fields else None,
        unsolved=w(fields["u"]) if "u" in fields else None,
        cases=tuple(
            Case(
                tuple(case.pop("S")),
                tuple(case.pop("D")),
                {code: tuple(lines) for code, lines in case.items()},
            )
            for case in cases
        ),
        texts={code: tuple(lines) for code, lines in texts.items()},
    )


def _parse(corpus: str) -> tuple[Topic, ...]:
    """Read the line format described in the module docstring."""
    topics: list[Topic] = []
    fields: dict[str, str] = {}
    cases: list[dict[str, list[str]]] = []
    texts: dict[str, list[str]] = {}
    target: list[str] = []
    previous = ""
    for raw in corpus.splitlines():
        line = raw.strip()
        code, _, rest = line.partition(" ")
        if code == "==":
            if fields:
                topics.append(_topic(fields, cases, texts))
            fields, cases, texts, previous = {}, [], {}, ""
            key, _, rest = rest.partition(";")
            fields["key"] = key.strip()
        if code in ("==", "@"):
            for part in rest.split(";"):
                name, _, value = part.strip().partition("=")
                if name:
                    fields[name] = value
        elif code == "--":
            previous = code
        elif code == "+":
            target[-1] += " " + rest
        elif code:
            if code == "S" and previous != "S":
                cases.append({})
            in_case = code == "S" or (bool(cases) and previous != "--")
            target = (cases[-1] if in_case else texts).setdefault(code, [])
            target.append(rest)
            previous = code if code == "S" or in_case else "--"
    if fields:
        topics.append(_topic(fields, cases, texts))
    return tuple(topics)


TOPICS: Final = _parse(_CORPUS)
