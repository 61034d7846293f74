"""The text corpus of the demo-data generator: slot values, stock phrases and ticket topics.

A topic is one kind of IT request (VPN drops, printer jams, phishing reports...). Its
templates are written below in a small line format and parsed once at import; the
generator in :mod:`deskterm.domain.seed_gen` fills their ``{slot}`` placeholders with
``str.format_map`` and a per-ticket mapping that draws each slot value on first use, so one
ticket keeps the same host name, site or application from its subject to its last reply.

Line format of :data:`_CORPUS`::

    == key; w=<frequency>; tags=a,b; kb=<article slug>; quick=<percent solved in one reply>
    @ q=<queue>:<weight>,...; t=<type>:<weight>,...; p=<priority weights>; c=<channel weights>
      u=<weights of the unsolved statuses open/pending/on_hold>
    S subject        D description (requester)    C context sentence (requester)
    A agent asks     T agent gives steps           F agent confirms the fix
    N internal note  R requester follow-up         H on-hold note     M monitoring alert
    + continues the previous template on the next line
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- slot values ------------------------------------------------------------------------------


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
    "site": ("London", "Berlin", "Austin", "Leeds", "Toronto", "Singapore", "Lyon", "Denver"),
    "room": ("Everest", "Kilimanjaro", "Fuji", "Denali", "Matterhorn", "Olympus", "K2", "Etna"),
    "model": (
        "Dell Latitude 7440",
        "Dell Latitude 5540",
        "ThinkPad T14 Gen 4",
        "ThinkPad X1 Carbon Gen 11",
        "HP EliteBook 840 G10",
        'MacBook Pro 14"',
        "MacBook Air M2",
        "Surface Laptop 5",
    ),
    "dock": ("Dell WD19TB", "Dell WD22TB4", "ThinkPad USB-C Dock", "HP G5 dock", "CalDigit TS4"),
    "monitor": ("Dell U2723QE", "Dell P2422H", "LG 27UK850", "HP E24 G5", "Samsung S27A600"),
    "mobile": ("iPhone 15", "iPhone 13", "Pixel 8", "Galaxy S23", "Galaxy A54", "iPhone SE"),
    "deskphone": ("Yealink T54W", "Poly VVX 450", "Cisco 8845", "Yealink T46U"),
    "app": (
        "Salesforce",
        "Jira",
        "Confluence",
        "Workday",
        "SAP",
        "NetSuite",
        "Tableau",
        "DocuSign",
        "HubSpot",
        "Power BI",
        "Zendesk",
        "Xero",
    ),
    "swapp": (
        "Visio",
        "Power BI Desktop",
        "Adobe Acrobat Pro",
        "Python 3.12",
        "Docker Desktop",
        "Notepad++",
        "VS Code",
        "Tableau Desktop",
        "AutoCAD LT",
        "7-Zip",
        "RStudio",
        "Zoom",
        "Figma",
        "Wireshark",
    ),
    "crashapp": ("Excel", "Word", "Teams", "Outlook", "Chrome", "Acrobat Reader", "OneDrive"),
    "os": ("Windows 11", "Windows 10", "macOS 14", "macOS 15", "Ubuntu 22.04"),
    "vpn": ("GlobalProtect", "GlobalProtect", "the VPN client", "AnyConnect"),
    "vpnerr": (
        "Gateway vpn-gw2: The network connection is unreachable",
        "Error 809",
        "Authentication failed: invalid certificate",
        "The remote connection was denied",
        "Portal status: Error",
        "Login timed out",
    ),
    "winerr": ("0x80070005", "0x800f081f", "0x80190001", "0x8024402c", "0xc0000022", "1603"),
    "mailerr": (
        "Cannot start Microsoft Outlook. The set of folders cannot be opened.",
        "Your mailbox is almost full",
        "Need password",
        "The operation failed. An object could not be found.",
        "550 5.7.1 Delivery not authorized",
    ),
    "printerr": ("Paper jam in tray 2", "Offline", "49.4C02 error", "Toner low", "Error state"),
    "mins": ("5", "10", "15", "20", "30", "45"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "time": ("9:30", "10:00", "11:15", "13:00", "14:30", "15:00", "16:45"),
    "dept": _DEPTS,
    "share": tuple(rf"\\fs-prd-0{n}\{dept}" for n in (1, 2) for dept in _DEPTS),
    "group": tuple(f"{d[:3].upper()}-{kind}" for d in _DEPTS for kind in ("Reports-RW", "Data-RO")),
    "mailbox": ("accounts.payable", "hr-team", "sales-emea", "facilities", "recruiting", "legal"),
    "ssid": ("CORP-WIFI", "CORP-5G", "GUEST-WIFI", "CORP-IOT"),
    "vendor": ("Dell", "Lenovo", "HP", "Microsoft", "Cisco", "Okta", "Palo Alto"),
    "case": _series("CS", 4_471_203, 4_999_999, 7_919),
    "rma": _series("RMA-", 880_112, 999_999, 1_013),
    "starter": (
        "Priya Nair",
        "Tom Becker",
        "Lucia Moreno",
        "Kwame Mensah",
        "Hannah Schulz",
        "Ravi Kapoor",
        "Emily Carter",
        "Jonas Lind",
        "Mei Tanaka",
        "Omar Haddad",
    ),
    "date": ("Monday the 3rd", "the 1st", "Monday the 10th", "the 15th", "Tuesday", "the 20th"),
    "ext": _series("", 4_010, 4_999, 37),
    "sender": (
        "payroll-update@secure-hr.example",
        "it-support@micros0ft-login.example",
        "no-reply@docu-sign.example",
        "ceo.office@gmail.example",
        "invoice@dhl-tracking.example",
    ),
    "bait": (
        "Your password expires today",
        "Unpaid invoice attached",
        "Updated salary review",
        "You have a voicemail",
        "Shared document: Q4 bonus plan",
    ),
    "file": ("Q3 forecast.xlsx", "contract_v7.docx", "board-pack.pptx", "budget 2025.xlsx"),
    "cert": ("vpn", "wiki", "intranet", "api", "mail", "sso"),
    "port": ("443", "1433", "5432", "8443", "22", "3389"),
    "ip": tuple(f"10.{a}.{b}.{c}" for a in (20, 40, 64) for b in (3, 17, 112) for c in (5, 80)),
    "size": ("48.9 GB", "49.5 GB", "99.1 GB", "2 GB"),
    "http": ("502", "503", "504", "500"),
    "codename": ("Kestrel", "Halyard", "Bluebell", "Marlin"),
}

#: Slots drawn together (one row per ticket), so a service and its host name agree.
SLOT_GROUPS: Final[dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]] = {
    "service": (
        ("service", "svchost"),
        (
            ("Wiki", "wiki"),
            ("Payroll app", "payroll"),
            ("Intranet", "intranet"),
            ("Expenses portal", "expenses"),
            ("Jira", "jira"),
            ("Git server", "git"),
            ("CRM", "crm"),
            ("Timesheets", "timesheets"),
            ("HR portal", "hr"),
            ("Build server", "ci"),
            ("Booking system", "booking"),
        ),
    ),
}
SLOT_GROUPS["svchost"] = SLOT_GROUPS["service"]

# --- stock phrases ----------------------------------------------------------------------------

REQ_GREET: Final = ("Hi,", "Hello,", "Hi team,", "Hi IT,", "Hello Service Desk,", "Good morning,")
REQ_SIGN: Final = ("Thanks", "Thank you", "Cheers", "Regards", "Many thanks", "Best")
AGENT_GREET: Final = ("Hi {first},", "Hello {first},", "Hi {first}, thanks for getting in touch.")
AGENT_SIGN: Final = (
    "Thanks,\n{}",
    "Best regards,\n{}\nIT Service Desk",
    "Cheers,\n{}",
    "Regards,\n{}",
)
CONTEXT: Final = (
    "It started this morning.",
    "This is blocking my work today.",
    "I already tried restarting, no change.",
    "Could you take a look when you have a moment?",
    "I have a deadline at {time}, so any help is appreciated.",
    "A couple of colleagues on the {floor} have the same problem.",
    "Not urgent, but it is annoying.",
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
    "Called {first}, no answer. Left a voicemail.",
    "Remote session with {first} booked for {time}.",
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
WALK_IN: Final = (
    "Walk-in at the {site} desk, no contact record.",
    "Phone call to the service desk, caller had no account email to hand.",
    "Logged on behalf of a visitor at the desk.",
)
#: Rare asides appended to a few descriptions, so searches have rare words to look for.
RARE_ASIDES: Final = (
    (0.002, " Possibly related to the Zanzibar migration last weekend."),
    (0.0002, " (The quokka sticker on my laptop lid is not the problem, I checked.)"),
)

# --- topics -----------------------------------------------------------------------------------

_CORPUS = r"""
== vpn_drop; w=8; tags=vpn,network; kb=vpn-troubleshooting; quick=15
@ q=Service Desk:4,Network L2:6; t=incident:10,question:1,problem:1; u=open:5,pending:4,on_hold:1
S VPN keeps dropping every {mins} minutes
S {vpn} disconnects all the time when working from home
S VPN drops during Teams calls
S Can't stay connected to the VPN since {day}
S VPN error "{vpnerr}"
S Unstable VPN on {host}
D My VPN connection drops every {mins} minutes or so and I have to sign in again each time.
D Since {day} {vpn} disconnects me several times an hour, the icon goes grey then reconnects.
D The VPN connects fine but drops as soon as I copy large files from the shared drive.
D When I connect to the VPN I get "{vpnerr}" and a minute later it disconnects.
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
S VPN access for {starter}
S Need VPN access to work from home
S Request: VPN for external contractor
S How do I set up the VPN on my new laptop?
D I need VPN access so I can work from home from {date}. My manager has approved it.
D Could you set up VPN for {starter}? They are a contractor in {dept} and start {date}.
D I have a new laptop ({model}) and I don't know how to install the VPN.
A Could you ask your manager to approve the request by replying here? We also need the end
+ date of the contract.
T Install {vpn} from Software Center, then enter vpn.corp.example as the portal and sign in
+ with your normal account and MFA.
F Access is set up: the account is in the VPN-Users group and the client is installed on
+ {host}. The setup guide is in the KB if you need it again.
N Added to VPN-Users, license count 412/500.
N Contractor account expires on the contract end date, manager confirmed by email.
R My manager just replied with the approval.
R Installed it, where do I find the portal address?

== password; w=12; tags=password,account; kb=password-reset; quick=70
@ q=Service Desk:9,Identity & Access L2:1; t=service_request:7,incident:3,question:2
@ u=open:5,pending:4,on_hold:0; p=low:10,normal:70,high:18,urgent:2
S Password reset
S Forgot my password
S Password expired, can't log in
S Please reset my password
S Can't change my password, it says it does not meet requirements
S Reset password for {app}
D I forgot my password over the weekend and now I can't sign in to my laptop.
D My password expired while I was on holiday and the reset page says my account is not eligible.
D I'm trying to change my password but it keeps saying it does not meet the requirements.
D I can't log in to {app}, it says my password is wrong but I'm sure it's right.
C I'm at my desk on the {floor}, phone extension {ext}.
C I need to get in before my meeting at {time}.
A I can reset it now. To confirm your identity, could you call the desk from your registered
+ mobile or answer the security question we sent?
A Is this your Windows password or the one for {app}? They are separate accounts.
T Please go to passwordreset.corp.example, verify with your MFA app and choose a new password:
+ at least 14 characters, not one of your last 10.
F I've reset your password and sent a temporary one by SMS. You'll be asked to change it
+ at the next sign-in.
F Your account was fine, {app} uses its own login. I've sent you a reset link for it.
N Identity verified by callback to mobile on file.
N Temporary password issued, must change at next logon flag set.
N Self-service reset failed: user not registered for SSPR. Registered after reset.
R Got the SMS, I'm in now.
R It still says the password doesn't meet the requirements.

== lockout; w=6; tags=password,access; kb=account-lockout; quick=55
@ q=Service Desk:8,Identity & Access L2:2; t=incident:9,problem:1; p=normal:60,high:35,urgent:5
S Account locked out
S Locked out again
S My account keeps locking every morning
S Account locked after password change
D My account is locked and I can't sign in to anything.
D My account locks itself every morning around {time}, I haven't typed a wrong password.
D Since I changed my password on {day} my account keeps locking out.
C I'm on {host}, the phone still has the old password maybe?
C This is the third time this week.
A Do you have an old password saved anywhere, for example mail on your {mobile} or a mapped
+ drive? Those keep trying the old one and lock you out.
T Please remove the work account from your {mobile} and add it again with the new password,
+ then tell me when you are done and I'll unlock you.
F Unlocked. The lockouts came from your phone's mail app with the old password, which you've
+ now updated, so it should not happen again.
N Checked RADIUS and DC logs: lockout source {mobile} ActiveSync, bad password 5 attempts.
N Event 4740 on dc-prd-02, caller computer {host}. Stale credential in Credential Manager.
N Unlocked in AD, lockout counter reset.
R I've removed it from my phone. Still locked though.
R Found an old mapped drive with saved credentials, removed it.

== mfa; w=6; tags=mfa,account; kb=mfa-enrolment; quick=45
@ q=Service Desk:6,Identity & Access L2:4; t=service_request:5,incident:4,question:2
S New phone, need to move MFA
S MFA prompts not arriving
S Lost my phone, can't approve sign-in
S Authenticator app shows wrong codes
S Enrol in MFA for the first time
D I got a new phone ({mobile}) and the authenticator app is empty, I can't approve sign-ins.
D The MFA push notifications stopped arriving since {day}, I have to type the code each time.
D I lost my phone on the train and now I can't get past the MFA prompt.
D The codes from my authenticator app are always rejected.
C I'm travelling this week so I can't come to the desk.
C The old phone is wiped already.
A Can you confirm the last four digits of your registered mobile number? Then I can issue a
+ temporary access pass.
A Is the date and time on your phone set automatically? Codes fail if the clock is off.
T I've issued a temporary access pass valid for 8 hours. Sign in at mysignins.corp.example,
+ remove the old device and add the authenticator on your {mobile}.
F MFA is now registered on your new phone and the old device has been removed.
F The phone clock was {mins} minutes off; after enabling automatic time the codes work.
N Temporary access pass issued, identity verified via manager on Teams video.
N Old MFA methods removed, sign-in logs show successful push from new device.
N Lost device: revoked sessions and wiped the work profile in MDM.
R Done, the new phone shows the approval prompts now.
R I don't have the old phone anymore, is that a problem?

== printer; w=8; tags=printer; kb=printer-troubleshooting; quick=30
@ q=Service Desk:5,Workplace L2:5; t=incident:8,service_request:2,question:1
@ u=open:4,pending:3,on_hold:3; p=low:30,normal:60,high:10
S Printer {printer} not working
S Printer on the {floor} says "{printerr}"
S Can't print from my laptop
S Print jobs stuck in the queue
S Add printer {printer} to my laptop
S Printer prints blank pages
D The printer {printer} on the {floor} shows "{printerr}" and nothing comes out.
D My print jobs just sit in the queue with status "Error - Printing". Other people can print.
D Could you add {printer} to my laptop? It is the one next to meeting room {room}.
D The printer near the kitchen on the {floor} prints blank or streaky pages.
C I need to print contracts for a meeting at {time}.
C I've already turned it off and on again.
A Is this printer {printer} or a different one? Please check the label on the front and
+ whether the display shows an error.
T Please open Settings > Printers, remove {printer}, then add it again from
+ \\print-prd-01. The KB article explains it with screenshots.
F A technician cleared the jam in tray 2 and replaced the fuser; test pages print fine now.
F Your laptop had a stale print queue. I cleared the spooler remotely and the test page
+ went through.
N Printer SNMP shows tray 2 jam and fuser error. Engineer visit booked.
N Driver on {host} was the old PCL5 one, pushed the universal driver.
N Toner reordered, supplies cabinet on the {floor} was empty.
R It still shows offline on my laptop.
R Thanks, the paper jam message is gone but it prints blank pages now.
H Waiting for the {vendor} engineer visit for the fuser replacement, case {case}.

== laptop; w=7; tags=laptop,hardware; kb=laptop-slow; quick=10
@ q=Service Desk:4,Workplace L2:6; t=incident:8,service_request:3; u=open:4,pending:2,on_hold:4
S Laptop very slow
S Laptop won't turn on
S Cracked screen on my {model}
S Battery drains in an hour
S Laptop overheating and fan loud
S Blue screen on {host}
S Keyboard keys not working
D My laptop ({model}) has become very slow since {day}, opening Outlook takes minutes.
D My laptop {host} won't turn on, the power light blinks orange three times.
D I dropped my laptop and the screen is cracked; it still works on an external monitor.
D My {model} battery goes from full to empty in about an hour.
D I keep getting a blue screen with stop code {winerr}, usually when I connect the dock.
C I have all my work on it, is anything lost?
C It's about three years old.
A Could you send the asset tag from the sticker underneath and tell me when the problem started?
A Is the laptop plugged in when this happens? A photo of the screen would help.
T Please run Dell/Lenovo diagnostics (F12 at boot) and send me the result code, or bring the
+ laptop to the {site} desk and we'll swap it while we look at it.
F We replaced the battery under warranty; {host} is ready for pick-up at the {site} desk.
F The disk was almost full and a BIOS update was pending. After cleanup and the update the
+ laptop is back to normal speed.
N Diagnostics: battery health 41%, warranty valid until next year. Ordered part.
N Reimaged {host}, user data restored from OneDrive.
N Loan laptop issued, asset tag noted on the ticket.
R The code was 2000-0141.
R I can bring it to the desk at {time}.
H Replacement part ordered from {vendor}, {rma}. ETA five working days.

== docking; w=4; tags=laptop,docking,monitor; kb=docking-station; quick=35
@ q=Service Desk:5,Workplace L2:5; t=incident:7,service_request:3
S Docking station not detecting monitors
S Second screen not working with dock
S {dock} keeps disconnecting
S Need a docking station for my desk
D When I connect my laptop to the {dock} only one of the two {monitor} screens works.
D The {dock} disconnects every few minutes, monitors and keyboard go off then come back.
D I moved to the {floor} and my new desk doesn't have a docking station.
C My laptop is a {model}.
C It worked fine last week.
A Which ports are the monitors connected to on the dock, and do they work with a direct cable?
T Please update the dock firmware from the Software Center (Dock Firmware Update) and use
+ the DisplayPort outputs rather than HDMI.
F Dock firmware and the display driver are updated; both monitors work at full resolution now.
F A new {dock} is installed at your desk on the {floor}.
N Dock firmware was 01.00.14, updated to latest. Known issue with the HDMI port on this model.
N Swapped the USB-C cable, the old one was not Thunderbolt certified.
R Updated it but the left screen is still black.
R The direct cable works, only through the dock it doesn't.

== outlook; w=7; tags=email,outlook; kb=outlook-profile-rebuild; quick=20
@ q=Service Desk:6,Messaging L2:4; t=incident:8,question:3
S Outlook keeps crashing
S Outlook stuck on "Loading profile"
S Not receiving emails since {day}
S Mailbox full
S Outlook search not finding anything
S Error: {mailerr}
D Outlook crashes a few seconds after it opens, it says "{mailerr}".
D I haven't received any external emails since {day}, internal ones arrive fine.
D I got a warning that my mailbox is full ({size}) and I can't send anything.
D Searching in Outlook returns no results even for emails I can see in the inbox.
C Webmail works normally.
C I'm on {host}.
A Does the same happen in Outlook on the web? Please also tell me your Outlook version
+ (File > Office Account).
T Please close Outlook, open Control Panel > Mail > Show Profiles, add a new profile and set
+ it as default. The KB article has screenshots.
F I rebuilt your Outlook profile remotely and the search index; everything works again.
F Your archive policy was never applied. I've enabled online archive, the mailbox is at 60%.
N Mailbox {size}, online archive not enabled. Enabled archive and retention policy.
N Message trace shows external mail rejected by transport rule, fixed the rule.
N OST was corrupt, recreated the profile.
R Webmail works, only the desktop app crashes.
R The new profile is syncing, it's about halfway.

== mailbox_access; w=4; tags=email,access,shared-mailbox; kb=shared-mailbox-access; quick=50
@ q=Service Desk:4,Messaging L2:6; t=service_request:9,question:1
S Access to {mailbox} shared mailbox
S Add me to the {mailbox} mailbox
S Shared mailbox not showing in Outlook
S Send as permission for {mailbox}
D Please give me access to the {mailbox} shared mailbox, I'm covering for a colleague.
D I was given access to {mailbox} but it doesn't appear in Outlook.
D I need Send As permission on {mailbox}@corp.example for the {dept} team.
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
S Can't see my colleague's calendar
S Delegate access to my calendar
S Meeting room {room} not accepting bookings
D Meeting invites I accepted disappear from my calendar after a day.
D I can't see the free/busy times of my team when scheduling a meeting.
D Please give my assistant delegate access to my calendar.
D Room {room} on the {floor} declines every booking with no reason.
A Do you use your calendar on your {mobile} too? Some mail apps delete accepted invites.
T In Outlook go to File > Account Settings > Delegate Access > Add, pick your delegate and
+ choose Editor for Calendar.
F The room mailbox booking policy was wrong; {room} accepts bookings again.
F The calendar app on your phone was removing invites. With the Outlook app it's fine now.
N Room mailbox had BookInPolicy empty, set to everyone.
N Calendar permissions fixed, default set to free/busy with subject.
R Yes, I use the default mail app on my phone.

== drive_access; w=6; tags=access,shared-drive; kb=shared-drive-access; quick=40
@ q=Service Desk:4,Identity & Access L2:6; t=service_request:9,incident:2
@ u=open:3,pending:6,on_hold:1
S Access to {share}
S Access denied on the {dept} shared drive
S Need write access to {group}
S Mapped drive missing
D I need access to {share} for the quarterly reporting. My manager approved it.
D I get "Access denied" when I open the {dept} folder on the shared drive.
D Please add me to {group}, I joined the {dept} team this month.
D My mapped drive for {share} disappeared after the restart.
C It worked until {day}.
A Could you ask the data owner for {dept} to approve the access here? We need written approval.
A Do you need read-only or read/write access?
T Please sign out and back in so your new group membership applies, then open {share} again.
F You're now a member of {group}. After signing out and in, the folder opens for you.
F The drive mapping script failed on {host}; it runs again at login and the drive is back.
N Added to {group}, approval from data owner attached.
N Requested access was to a folder with restricted HR data, asked for owner approval.
R My manager has approved it in this thread.
R I signed out and in, still access denied.

== app_access; w=6; tags=access,software; kb=software-request; quick=40
@ q=Service Desk:3,Identity & Access L2:4,Applications L2:3; t=service_request:9,incident:2
S Access to {app}
S Need a {app} licence
S {app} says I don't have permission
S Add me to {app} for the {dept} team
D Could I get access to {app}? I'm starting on a project with the {dept} team.
D When I open {app} it says I'm not assigned to the application.
D I need a {app} licence from {date}, my manager approved it.
C I used it in my old role.
A Which role do you need in {app}? Your manager or the app owner must approve it.
T I've assigned the {app} app to your account. Sign out of the browser session and try again.
F You now have access to {app} with the standard user role.
F Licence assigned; {app} may take up to an hour to show you in the user list.
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
S New joiner in {dept} next week
D {starter} joins the {dept} team on {date} and needs a laptop, email and access to {app}.
D We have a new hire starting {date}: {starter}, role analyst, same access as the rest of
+ the {dept} team.
D HR onboarding request: {starter}, department {dept}, start date {date}, location {site}.
C Please have the laptop ready on the first morning.
A Which team member's access should we copy? And does {starter} need a phone?
T The account and mailbox are created. The laptop will be at the {site} desk on the first day;
+ the manager receives the temporary password.
F Everything is ready for {starter}: account, mailbox, {model} laptop and {app} access.
N Account created, licence assigned, groups copied from a team member.
N Laptop {host} imaged and assigned, waiting for delivery to {site}.
R Please copy the access of Anna in {dept}. A phone is not needed.
H Waiting for the laptop delivery from {vendor}.

== offboarding; w=3; tags=offboarding,access; kb=offboarding-checklist; quick=10
@ q=Service Desk:3,Identity & Access L2:7; t=service_request:10; c=api:40
S Leaver: {starter}, last day {date}
S Offboarding {starter}
S Disable account for departing employee
D {starter} from {dept} leaves on {date}. Please disable the accounts at the end of the day.
D HR offboarding request: {starter}, last working day {date}, laptop to be returned to {site}.
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
S {service} very slow for everyone
S Can't reach https://{svchost}.corp.example
D {service} shows a {http} error since about {time}. Nobody in {dept} can use it.
D https://{svchost}.corp.example is extremely slow, pages take a minute to load.
D I can't log in to {service}, it just shows "Service Unavailable".
C Is there an outage?
M Monitoring alert: {service} health check failed (HTTP {http}) from 3 probes for 5 minutes.
M Monitoring alert: {server} CPU above 95% for 10 minutes, {service} response time 12 s.
A Thanks for reporting. Does it fail for you on every page or only at login?
T We are aware of the outage and working on it. Updates are on the status page.
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
S Internet down at the {site} office
S Network very slow in {site}
S Wired network ports dead near {room}
D Nobody on the {floor} has network since {time}, Wi-Fi and cable both.
D The internet at the {site} office is down, we can only use mobile data.
D The network is extremely slow today, file copies take forever.
M Monitoring alert: switch sw-{site}-0{mins} unreachable (ICMP), 48 ports down.
M Monitoring alert: WAN link to {site} packet loss 35%.
A Is it the whole floor or only some desks? Do the phones work?
T We've found the faulty switch and an engineer is on the way. Mobile hotspots are in the
+ cabinet at reception.
F The uplink module in the {floor} switch was replaced, all ports are up.
F The ISP fixed a fibre cut; the {site} link is back at full speed.
N Switch stack member 2 failed, RMA raised.
N ISP ticket {case} opened, ETA four hours.
H Waiting on the ISP ({case}) to repair the fibre.

== wifi; w=5; tags=wifi,network; kb=wifi-connect; quick=35
@ q=Service Desk:5,Network L2:5; t=incident:7,question:3
S Can't connect to {ssid}
S Wi-Fi drops in meeting room {room}
S Guest Wi-Fi for visitors
S Wi-Fi very slow on the {floor}
D My laptop won't connect to {ssid}, it says "Can't connect to this network".
D The Wi-Fi in meeting room {room} drops every few minutes, calls freeze.
D We have visitors from a partner on {date}, how do they get Wi-Fi?
D The Wi-Fi on the {floor} is very slow since {day}.
C My phone connects fine.
A Which network name do you see, and does it fail in other rooms as well?
T Please forget {ssid} in the Wi-Fi settings and connect again; it should use your laptop
+ certificate. Visitors can use GUEST-WIFI with the code from reception.
F The access point near {room} was overloaded; we added one and the drops are gone.
F Your laptop certificate had expired; it was renewed and {ssid} connects again.
N Wireless controller shows AP-{site}-12 with 60 clients, channel interference.
N NPS log: certificate expired for {host}, forced renewal via Intune.
R It works in the kitchen but not at my desk.

== software_install; w=7; tags=software,install; kb=software-center-install; quick=45
@ q=Service Desk:6,Applications L2:4; t=service_request:9,question:2; u=open:4,pending:5,on_hold:1
S Install {swapp}
S Software request: {swapp}
S Need admin rights to install {swapp}
S {swapp} not available in Software Center
D Could you install {swapp} on my laptop {host}? I need it for a project.
D I need {swapp} but it's not in Software Center. Can you add it?
D I tried to install {swapp} but it asks for an administrator password.
C My manager is fine with it.
A Is the free version enough or do you need a paid licence? Paid software needs manager approval.
T {swapp} is now in Software Center for you: open Software Center, search for it and click Install.
F {swapp} is installed on {host}.
F We packaged {swapp} and it's available in Software Center for everyone.
N Checked licence pool: 3 free seats. Deployed to {host}.
N Security review needed for {swapp}, sent to Security L3.
R It failed with error {winerr}.
R The free version is enough.
H Waiting for the security review of {swapp}.

== software_crash; w=5; tags=software; kb=laptop-slow; quick=25
@ q=Service Desk:6,Applications L2:4; t=incident:9,problem:1
S {crashapp} keeps crashing
S {crashapp} won't open after update
S {crashapp} freezes when opening files
S Error {winerr} in {crashapp}
D {crashapp} closes by itself a few minutes after I start it, no error message.
D Since the update on {day} {crashapp} doesn't open at all.
D {crashapp} freezes when I open {file} from the shared drive.
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
S New mobile phone request
S Voicemail PIN reset
S Teams calls drop on my {mobile}
D My desk phone ({deskphone}, extension {ext}) shows "No service" since this morning.
D My work phone ({mobile}) has a broken screen, can I get a replacement?
D I forgot my voicemail PIN for extension {ext}.
D Teams calls on my {mobile} drop after a few minutes on mobile data.
A Is the phone cable plugged into the port marked with a phone symbol?
T I've reset your voicemail PIN to a temporary one sent by SMS, change it at first login.
F The desk phone lost its provisioning; after a factory reset it registered again.
F A new {mobile} is ready; please bring the old one to the {site} desk.
N Phone not registered in Call Manager, reprovisioned extension {ext}.
N Mobile order placed with the carrier.
H Waiting for the carrier to deliver the new {mobile}.

== phishing; w=4; tags=phishing,security; kb=phishing-report; quick=50
@ q=Service Desk:4,Security L3:6; t=incident:8,question:2; c=email:70,web:15,phone:10,chat:5
@ p=low:5,normal:55,high:35,urgent:5
S Suspicious email: "{bait}"
S Phishing? Email from {sender}
S I clicked a link in a strange email
S Fake Microsoft login page
D I got an email from {sender} saying "{bait}". It looks fake, I didn't click anything.
D I clicked the link in an email about "{bait}" and typed my password before I noticed.
D Several people in {dept} got the same email "{bait}" from {sender}.
C The email is attached.
A Did you enter your password or open an attachment? Please answer quickly so we can act.
T Please don't open the attachment. Use the "Report phishing" button in Outlook and
+ delete the email.
F Thanks for reporting. The email was phishing; we blocked {sender} and removed it from all
+ mailboxes.
F We reset your password and revoked all sessions. No suspicious sign-ins were found.
N Purged 37 copies via content search, blocked sender domain and URL.
N User entered credentials: forced reset, sessions revoked, sign-in logs clean.
R No, I didn't click anything.
R Yes, I typed my password. Sorry!

== security_incident; w=2; tags=security; kb=lost-device; quick=15
@ q=Security L3:7,Identity & Access L2:3; t=incident:9,problem:1; p=normal:40,high:45,urgent:15
S Lost laptop
S Unusual sign-in alert for my account
S Possible malware on {host}
S Stolen phone with work email
D I lost my laptop ({host}) on the way home, it was in a bag on the train.
D I got an alert about a sign-in from a country I haven't been to.
D My laptop shows pop-ups and the antivirus says a threat was quarantined.
D My {mobile} was stolen last night, it has my work email on it.
A When did you last see the device, and was it locked? Please also file a police report.
T Please don't sign in anywhere until we call you. We are locking the account as a precaution.
F The device has been wiped remotely and your sessions revoked. A replacement is on the way.
F The threat was quarantined and a full scan is clean; we reimaged the laptop to be safe.
N BitLocker confirmed on {host}, remote wipe sent via Intune.
N Sign-in from {ip} via legacy auth, blocked. Password reset, MFA re-registered.
N EDR: trojan quarantined, isolated host, reimage scheduled.
R I last used it at {time} yesterday, it was locked.

== file_restore; w=3; tags=backup,shared-drive; kb=file-restore; quick=35
@ q=Service Desk:3,Infrastructure L3:7; t=service_request:9,incident:1
S Restore deleted file {file}
S Accidentally deleted folder on {share}
S Need previous version of {file}
D I deleted {file} from {share} by mistake on {day}. Can it be restored?
D Someone overwrote {file} and we need the version from last week.
D A whole folder disappeared from the {dept} shared drive.
A What is the full path and roughly when was the file last fine?
T You can restore it yourself: right-click the folder > Properties > Previous Versions.
F {file} is restored from last night's backup into the original folder.
N Restored from snapshot, 2 files, to original location.
N Folder was moved not deleted, found it in the Archive subfolder.
R The path was {share}\Reports, it was fine on {day}.

== change; w=3; tags=change; kb=service-status; quick=5
@ q=Infrastructure L3:5,Network L2:3,Security L3:2; t=change:8,service_request:2
@ u=open:4,pending:2,on_hold:4; p=low:20,normal:60,high:18,urgent:2
S Renew TLS certificate for {cert}.corp.example
S Firewall rule: allow {ip} to {server} port {port}
S DNS record for {svchost}.corp.example
S Patch {server} in the next maintenance window
S Increase disk on {server}
D The TLS certificate for {cert}.corp.example expires in 14 days and needs renewing.
D Please open port {port} from {ip} to {server} for the new integration.
D We need a DNS record for {svchost}.corp.example pointing to {server}.
D {server} is at 91% disk usage, please add 200 GB.
C Change board approval is attached.
A Is this approved by the change board? We need the change number.
T Scheduled for the maintenance window on {day} at 22:00.
F The change is done and verified; monitoring is green.
N CAB approved, implementation plan and rollback attached.
N Rule added on fw-prd-01, tested with telnet from {ip}.
R Change number is attached now.
H Waiting for the maintenance window on {day}.
"""


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
    texts: dict[str, tuple[str, ...]]


def _weights(spec: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in spec.split(","):
        name, _, weight = item.rpartition(":")
        out[name.strip()] = int(weight)
    return out


def _parse(corpus: str) -> tuple[Topic, ...]:
    topics: list[Topic] = []
    fields: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    last = ""

    def flush() -> None:
        if not fields:
            return
        w = _weights
        topics.append(
            Topic(
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
                texts={code: tuple(lines) for code, lines in texts.items()},
            )
        )

    for raw in corpus.splitlines():
        line = raw.strip()
        if not line:
            continue
        code, _, rest = line.partition(" ")
        if code in ("==", "@"):
            if code == "==":
                flush()
                fields, texts = {}, {}
                key, _, rest = rest.partition(";")
                fields["key"] = key.strip()
            for part in rest.split(";"):
                if part.strip():
                    name, _, value = part.strip().partition("=")
                    fields[name] = value
        elif code == "+":
            texts[last][-1] += " " + rest
        else:
            texts.setdefault(code, []).append(rest)
            last = code
    flush()
    return tuple(topics)


TOPICS: Final = _parse(_CORPUS)
