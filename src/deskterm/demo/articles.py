"""Knowledge-base articles for the demo data: hand-written Markdown plus generated variants.

Each article in :data:`_ARTICLES` starts with a header line ``@@ slug | category | tags`` and
its Markdown body (the first ``# `` line is the title). Variants add an "Applies to" note
and a section for one operating system or one office, so a large ``count`` still gives
distinct, sensible articles with unique slugs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

_ARTICLES = r"""
@@ vpn-setup | Network | vpn,remote-work,setup
# Set up the VPN on your laptop

The VPN (GlobalProtect) connects your laptop to the company network from home or while
travelling. You need it for the shared drives, the intranet and most internal apps.

## Before you start

- Your account must be in the **VPN-Users** group. New starters get it automatically;
  contractors ask their manager to raise a request.
- Enrol in MFA first (see *Enrol in multi-factor authentication*).

## Steps

1. Open **Software Center** (Windows) or **Self Service** (macOS) and install **GlobalProtect**.
2. Start GlobalProtect from the system tray or the menu bar.
3. Enter the portal address `vpn.corp.example` and click **Connect**.
4. Sign in with your work e-mail and password, then approve the MFA prompt.
5. The icon turns solid when you are connected.

> **Note:** Only one VPN connection per user is allowed. Connecting on a second device
> disconnects the first.

@@ vpn-troubleshooting | Network | vpn,network,troubleshooting
# VPN keeps disconnecting: troubleshooting

Use these steps when the VPN drops every few minutes, will not connect, or shows an error such
as *Gateway unreachable* or *Error 809*.

## Quick checks

1. Check that the internet works without the VPN (open any public website).
2. Restart the laptop. This clears a stuck VPN adapter more often than you would expect.
3. Try another network, for example a phone hotspot. If the VPN stays up there, the home
   router is the likely cause.

## Fixes

1. Open GlobalProtect, choose **Settings > Sign out**, then sign in again.
2. Under **Settings > General**, set the gateway manually to the nearest office.
3. Update the client from Software Center / Self Service.
4. If your home router has *SIP ALG* or *IPsec passthrough* settings, enable passthrough.

## When to contact the Service Desk

Raise a ticket with the exact time of a disconnect, your computer name and a screenshot of
**Settings > Troubleshooting**. This lets the network team find your session in the logs.

@@ password-reset | Accounts | password,account,self-service
# Reset your password (self-service)

You can reset a forgotten or expired password yourself, at any time, if you have registered
for self-service password reset (SSPR) and MFA.

## Steps

1. Go to `passwordreset.corp.example` from any browser or your phone.
2. Enter your work e-mail and complete the captcha.
3. Verify with your authenticator app or the code sent to your mobile.
4. Choose a new password: at least **14 characters**, not one of your last 10 passwords.
5. On a laptop, connect to the office network or VPN and lock/unlock so Windows picks up the
   new password.

## Not registered?

Call the Service Desk. We verify your identity with a call-back to your registered mobile
and set a temporary password that you must change at the next sign-in.

> **Note:** The Service Desk will never ask for your password. Do not send it by e-mail or chat.

@@ account-lockout | Accounts | password,access,lockout
# Account locked out: what to do

Your account locks after **5 wrong passwords in 10 minutes** and unlocks itself after
30 minutes. Repeated lockouts almost always come from a device still using an old password.

## Steps

1. Wait 30 minutes, or call the Service Desk to unlock you straight away.
2. Update the password on every device: phone mail app, tablet, second laptop.
3. Remove saved credentials: **Control Panel > Credential Manager > Windows Credentials**,
   delete entries for `corp.example`.
4. Disconnect and reconnect mapped drives that ask for a password.

## Still locking?

Tell us the time of the last lockout. We can see the device that sent the wrong password in
the domain controller logs and will tell you which one to fix.

@@ mfa-enrolment | Accounts | mfa,account,security
# Enrol in multi-factor authentication (MFA)

MFA protects your account with a second step: a prompt in the Microsoft Authenticator app.
It is required for e-mail, the VPN and all company apps.

## Steps

1. Install **Microsoft Authenticator** on your phone from the App Store or Google Play.
2. On a computer, open `mysignins.corp.example` and sign in.
3. Choose **Security info > Add sign-in method > Authenticator app**.
4. Scan the QR code with the app and approve the test notification.
5. Add your mobile number as a backup method.

> **Note:** Set the phone clock to automatic. Codes are rejected if the clock is more than a
> few minutes off.

@@ mfa-new-phone | Accounts | mfa,phone,account
# Move MFA to a new phone

## If you still have the old phone

1. Install Microsoft Authenticator on the new phone.
2. Sign in at `mysignins.corp.example` with the old phone and add the new one as a method.
3. Approve the test prompt on the new phone, then delete the old method.

## If the old phone is lost or wiped

1. Call the Service Desk. After an identity check we issue a **temporary access pass**
   (valid for 8 hours).
2. Sign in at `mysignins.corp.example` with the pass and register the new phone.
3. If the old phone was lost, report it too (see *Lost or stolen device*).

@@ printer-setup | Hardware | printer,setup
# Add a network printer

All office printers are shared from the print server `print-prd-01`. Each printer has a
label like `PRN-3E-01`: floor 3, east wing, printer 1.

## Windows

1. Open **Settings > Bluetooth & devices > Printers & scanners**.
2. Click **Add device**, then **Add manually**.
3. Choose **Select a shared printer by name** and enter `\\print-prd-01\PRN-3E-01`.
4. Print a test page.

## macOS

1. Open **Self Service** and run **Add office printers**.
2. Pick the printer from the list and click **Add**.

> **Note:** Secure print jobs wait on the server until you badge in at any printer.

@@ printer-troubleshooting | Hardware | printer,troubleshooting
# Printer offline, paper jam or stuck print queue

## Print job stuck in the queue

1. Open the printer queue and cancel all your jobs.
2. Remove the printer and add it again (see *Add a network printer*).
3. Restart the laptop and print a test page.

## The printer shows an error

1. **Paper jam**: open the doors shown on the display, remove the paper gently, close the doors.
2. **Toner low**: spare toner is in the supplies cabinet on each floor.
3. **49.4C02 or fuser error**: switch off for 30 seconds. If it comes back, raise a ticket;
   a technician needs to visit.

## Blank or streaky pages

Shake the toner cartridge and print a cleaning page from the printer menu. If this does not
help, report the printer label and a photo of a page.

@@ laptop-slow | Hardware | laptop,performance,software
# Laptop slow or apps crashing: first steps

## Steps

1. Restart (not just close the lid). Many laptops have not restarted for weeks.
2. Install pending updates: **Settings > Windows Update** or **System Settings > General >
   Software Update**, then restart again.
3. Free disk space: empty Downloads and the Recycle Bin; keep at least 20 GB free.
4. Close browser tabs and apps you do not need, and check **Task Manager** for a process
   using a lot of CPU.
5. For Office apps that crash, run **Quick Repair** from **Settings > Apps > Microsoft 365 >
   Modify**.

## Hardware checks

Run the built-in diagnostics (**F12** at start-up on Dell and Lenovo) and note the result
code. Include it in your ticket together with the asset tag.

@@ laptop-replacement | Hardware | laptop,hardware,warranty
# Report a broken laptop or request a replacement

Laptops are replaced every four years, or sooner when they are broken and out of warranty.

## Broken laptop

1. Back up anything not stored in OneDrive or on the shared drive.
2. Raise a ticket with the asset tag, a photo of the damage and what happened.
3. Bring the laptop to your office IT desk. You get a loan laptop the same day.

## Replacement request

Ask your manager to raise a *Hardware request* ticket. Standard models are listed in the
catalogue; other models need a business reason.

> **Note:** Accidental damage is covered. Please report theft to the police as well and
> add the report number to the ticket.

@@ docking-station | Hardware | docking,monitor,laptop
# Docking station and external monitors

## Connect your laptop

1. Plug the USB-C / Thunderbolt cable from the dock into the laptop port with the lightning
   symbol.
2. Connect monitors to the **DisplayPort** outputs of the dock where possible.
3. Open **Display settings**, click **Detect**, arrange the screens and choose
   **Extend these displays**.

## Monitor not detected

1. Check that the monitor input is set to the right source (DisplayPort or HDMI).
2. Update the dock firmware: Software Center > **Dock Firmware Update**.
3. Try the monitor with a direct cable. If it works, the dock or the cable is faulty.

> **Note:** Some docks support only two external monitors at full resolution.

@@ outlook-profile-rebuild | Email | email,outlook,troubleshooting
# Rebuild your Outlook profile

Rebuild the profile when Outlook crashes on start, hangs on *Loading profile*, search finds
nothing, or folders are out of sync. Your mail is on the server, so nothing is lost.

## Windows

1. Close Outlook.
2. Open **Control Panel > Mail > Show Profiles** and click **Add**.
3. Name the profile (for example *Outlook2*) and sign in with your work e-mail.
4. Select **Always use this profile**, choose the new profile and click **OK**.
5. Start Outlook and wait until it says *All folders are up to date*.

## macOS

1. Quit Outlook and open **Outlook Profile Manager** from Applications.
2. Create a new profile, set it as default and add your account.

> **Note:** Shared mailboxes re-appear automatically within an hour.

@@ shared-mailbox-access | Email | email,access,shared-mailbox
# Request access to a shared mailbox

## Steps

1. Raise a ticket with the mailbox address and the access you need: **Full Access**
   (read and manage), **Send As** or **Send on Behalf**.
2. The mailbox owner approves the request in the ticket.
3. We grant access; the mailbox appears in Outlook within an hour after a restart.

## Not showing up?

In Outlook on the web, right-click **Folders > Add shared folder or mailbox** and enter the
address. In the desktop app, restart Outlook once more.

@@ calendar-delegation | Email | calendar,email,delegation
# Share your calendar or add a delegate

## Share your calendar

1. In Outlook, open the calendar and click **Share > Calendar**.
2. Add the person and choose the level: *Can view when I'm busy*, *Can view titles and
   locations*, *Can view all details* or *Can edit*.

## Add a delegate

1. Go to **File > Account Settings > Delegate Access > Add**.
2. Choose the person and give **Editor** for Calendar.
3. Decide whether meeting requests go to the delegate only or to both of you.

> **Note:** Some phone mail apps remove accepted invites. Use the Outlook app on your phone.

@@ shared-drive-access | Accounts | access,shared-drive,permissions
# Request access to a shared drive folder

Access to shared drives is given through groups owned by each department. The data owner
must approve every request.

## Steps

1. Find the full path, for example `\\fs-prd-01\Finance\Reports`.
2. Raise an *Access request* ticket with the path and whether you need read or read/write.
3. The data owner approves in the ticket (we add them automatically).
4. After we add you to the group, sign out and back in.

> **Note:** Restricted folders (HR, Legal, Payroll) also need approval from the department
> head.

@@ wifi-connect | Network | wifi,network
# Connect to the office Wi-Fi

| Network | For | How to sign in |
|---|---|---|
| CORP-WIFI / CORP-5G | company laptops | automatic, with the laptop certificate |
| GUEST-WIFI | visitors, personal phones | daily code from reception |

## Company laptop does not connect

1. Forget the network and connect again.
2. Connect by cable or VPN once, so the laptop can renew its certificate.
3. Restart and try again. Note the meeting room or desk where it fails.

> **Note:** CORP-IOT is for devices registered by facilities only.

@@ phishing-report | Security | phishing,security,email
# Report a phishing e-mail

Phishing e-mails try to make you click a link, open an attachment or enter your password.

## Warning signs

- An urgent tone: *Your password expires today*, *Unpaid invoice*.
- A sender address that does not match the name, for example `micros0ft-login.example`.
- A link whose address (hover over it) is not a company site.

## Steps

1. Do **not** click links or open attachments.
2. Click **Report > Report phishing** in Outlook.
3. Delete the e-mail.

## If you clicked or entered your password

1. Change your password immediately (see *Reset your password*).
2. Call the Service Desk straight away: we revoke your sessions and check the sign-in logs.

@@ lost-device | Security | security,lost-device,phone,laptop
# Lost or stolen laptop or phone

Report a lost device **immediately**, at any time: call the Service Desk. Every hour counts.

## Steps

1. Call the Service Desk with the device type, the asset tag if you know it and when you last
   saw it.
2. We lock the account sessions and send a remote wipe. Laptops are encrypted with BitLocker
   or FileVault, so the data is safe.
3. Report a theft to the police and add the report number to the ticket.
4. Change your password once the account is unlocked.

> **Note:** A replacement laptop is ready within one working day at your office IT desk.

@@ onboarding-checklist | Onboarding | onboarding,accounts,manager
# New starter onboarding checklist (for managers)

## At least 5 working days before the start date

1. HR creates the starter in Workday; this opens an onboarding ticket automatically.
2. Reply to the ticket with the team member whose access should be copied.
3. Order extra equipment (second monitor, headset, phone) in the same ticket.

## On the first day

1. Collect the laptop at the office IT desk; the temporary password is sent to you.
2. The starter signs in, sets a new password and enrols in MFA.
3. Check access to e-mail, the shared drive and the team's apps.

> **Note:** Access to restricted systems still needs approval from the system owner.

@@ offboarding-checklist | Onboarding | offboarding,access,manager
# Leaver offboarding checklist

## Before the last day

1. HR records the leaving date in Workday, which opens an offboarding ticket.
2. Tell us whether the mailbox should be converted to a shared mailbox or forwarded.
3. Make sure files are moved from personal OneDrive to the team's shared drive.

## On the last day

1. The account is disabled at 18:00 and removed from all groups.
2. The leaver returns laptop, phone, badge and tokens to the office IT desk.
3. Devices are wiped and returned to stock.

@@ software-request | Software | software,request,licence
# Request new software

## Steps

1. Check **Software Center** / **Self Service** first: approved apps install without a ticket.
2. If the app is not there, raise a *Software request* ticket with the name, version, and
   what you need it for.
3. Paid software needs your manager's approval and a cost centre.
4. New software is reviewed by Security (usually 3-5 working days).

> **Note:** Do not install software from the internet with a personal admin account; it will
> be removed.

@@ software-center-install | Software | software,install,self-service
# Install approved apps from Software Center or Self Service

## Windows

1. Open **Software Center** from the Start menu.
2. Search for the app and click **Install**.
3. Restart if asked.

## macOS

1. Open **Self Service** from Applications.
2. Search for the app and click **Install**.

## The installation fails

Note the error code (for example `0x80070005` or `1603`), restart and try once more. Then
raise a ticket with the code and your computer name.

@@ desk-phone-setup | Hardware | phone,voicemail
# Set up your desk phone and voicemail

## Steps

1. Plug the network cable into the port marked **LAN** on the phone and the wall socket with
   the phone symbol.
2. Wait until the display shows your extension.
3. Press the **Messages** button and follow the prompts to set your voicemail PIN and greeting.

## "No service" on the display

Unplug the phone for 10 seconds. If it still says *No service*, raise a ticket with the
extension and the desk number.

@@ service-status | Services | outage,status,maintenance
# Check service status during an outage

## Steps

1. Open the status page `status.corp.example` (it is hosted outside the company network).
2. If the service is listed as degraded, there is no need to raise a ticket; subscribe to
   updates instead.
3. If it is not listed, raise an *Incident* with the service name, the error (for example
   *502 Bad Gateway*) and the time it started.

## Planned maintenance

Changes to servers and networks happen in the weekly maintenance window, Thursdays
22:00-02:00. Planned work is announced on the status page one week before.

@@ file-restore | Storage | backup,shared-drive,restore
# Restore a deleted file or an older version

## Restore it yourself

1. Open the folder where the file was, right-click an empty area and choose **Properties >
   Previous Versions**.
2. Pick a snapshot from before the change and click **Open** to check it.
3. Copy the file back, or click **Restore**.

## Ask the Service Desk

Snapshots go back 14 days. For older files raise a ticket with the full path, the file name
and the date it was last correct; backups are kept for 12 months.
"""

OS_VARIANTS: Final = (
    ("windows-11", "Windows 11", "Open **Settings** from the Start menu."),
    ("macos", "macOS", "Open **System Settings** from the Apple menu."),
    ("linux", "Ubuntu Linux", "Open **Settings** from the top-right system menu."),
)
SITE_VARIANTS: Final = (
    ("london", "London", "3rd floor, next to the lifts", "ext. 4100"),
    ("berlin", "Berlin", "ground floor, room E.04", "ext. 4200"),
    ("austin", "Austin", "2nd floor, Suite 210", "ext. 4300"),
    ("singapore", "Singapore", "level 12, reception", "ext. 4400"),
    ("toronto", "Toronto", "5th floor, west wing", "ext. 4500"),
)
_OS_SPECIFIC: Final = frozenset(
    (
        "vpn-setup",
        "vpn-troubleshooting",
        "printer-setup",
        "wifi-connect",
        "software-center-install",
        "docking-station",
        "laptop-slow",
        "outlook-profile-rebuild",
    )
)


@dataclass(slots=True)
class BaseArticle:
    slug: str
    title: str
    category: str
    tags: tuple[str, ...]
    body: str


def _parse(text: str) -> tuple[BaseArticle, ...]:
    out: list[BaseArticle] = []
    for chunk in text.split("@@ ")[1:]:
        header, _, body = chunk.partition("\n")
        slug, category, tags = (part.strip() for part in header.split("|"))
        body = body.strip() + "\n"
        title = body.splitlines()[0].removeprefix("# ").strip()
        out.append(BaseArticle(slug, title, category, tuple(tags.split(",")), body))
    return tuple(out)


ARTICLES: Final = _parse(_ARTICLES)


def variants() -> list[tuple[BaseArticle, str, str, str, tuple[str, ...]]]:
    """Every generated variant as (base, slug suffix, title, body, extra tags), in a fixed order."""
    out: list[tuple[BaseArticle, str, str, str, tuple[str, ...]]] = []
    for base in ARTICLES:
        rest = base.body.partition("\n")[2]
        if base.slug in _OS_SPECIFIC:
            for key, name, opener in OS_VARIANTS:
                body = (
                    f"# {base.title} ({name})\n\n> Applies to: laptops running {name}.\n{rest}"
                    f"\n## On {name}\n\n1. {opener}\n2. Follow the steps above; menu names can"
                    " differ slightly between versions.\n3. If something looks different, send"
                    " a screenshot with your ticket.\n"
                )
                out.append((base, key, f"{base.title} ({name})", body, (key,)))
        for key, name, desk, ext in SITE_VARIANTS:
            body = (
                f"# {base.title}: {name} office\n\n> Applies to: the {name} office.\n{rest}"
                f"\n## In {name}\n\n- The IT desk is on the {desk}, open 8:00-17:00.\n"
                f"- Local support phone: {ext}.\n- Walk-ins are welcome; bring your laptop.\n"
            )
            out.append((base, key, f"{base.title}: {name} office", body, (key,)))
    return out
