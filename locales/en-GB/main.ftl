## The interface in English. Every id here must also be in ../cy/main.ftl (a test checks).

service-name = Homeward
skip-to-content = Skip to main content
language-switch-label = Cymraeg
language-switch-hint = Newid yr iaith i’r Gymraeg
nav-label = Menu
nav-home = Home
nav-people = People
nav-users = Users
nav-audit = Audit trail
signed-in-as = Signed in as { $name }
sign-out = Sign out
footer-text = Homeward helps find people who go missing from care, and keeps them safer.

## Errors shared by every form
error-summary-title = There is a problem
error-prefix = Error:

## Sign in
sign-in-title = Sign in
sign-in-intro = Sign in with the email address and password your organisation gave you.
sign-in-email = Email address
sign-in-password = Password
sign-in-password-hint = Your password is at least 12 characters. You can paste it.
sign-in-button = Sign in
sign-in-signed-out = You have signed out.
sign-in-expired = Your session has ended. Sign in again to carry on.
error-sign-in-wrong = The email address or password is not right
error-sign-in-throttled = There have been too many attempts to sign in. Wait 15 minutes and try again.
error-email-empty = Enter an email address
error-email-format = Enter an email address in the correct format, like name@example.org
error-email-in-use = An account with this email address already exists
error-password-empty = Enter a password
error-password-too-short = The password must be at least 12 characters
error-password-too-long = The password must be 128 characters or fewer
error-password-too-common = Choose a password that is harder to guess: avoid common passwords and your own name or email

## Home
home-title = Home
home-welcome = Hello, { $name }
home-organisation = Organisation
home-nation = Nation
home-regulator = Regulator
home-registration = Registration number
home-registered-manager = Registered manager
home-safeguarding-lead = Safeguarding lead
home-your-roles = Your roles
home-what-you-can-do = What you can do
home-can-people = See the people in your care
home-can-users = See and manage user accounts
home-can-users-view = See user accounts
home-can-audit = Read the audit trail
home-partner-note = You have a partner account. You will see records here when an organisation shares them with you.
home-nothing = There is nothing here for your role yet.
home-services = Services

## People
people-title = People
people-intro = The children and adults in the services you work in.
people-none = There is nobody to show.
people-name = Name
people-date-of-birth = Date of birth
people-age = Age
people-kind = Child or adult
people-service = Service
people-count = { $count ->
    [one] { $count } person
   *[other] { $count } people
}

## Users
users-title = Users
users-intro = Everyone who can sign in to your organisation’s Homeward.
users-add = Add a user
users-name = Name
users-email = Email address
users-roles = Roles
users-status = Status
users-active = Active
users-inactive = Deactivated
users-view = View
users-created = Created
users-new-title = Add a user
users-new-name = Full name
users-new-email-hint = They will use this to sign in.
users-new-password = Password to start with
users-new-password-hint = At least 12 characters. Give it to them in person or by phone, not in the same email as their address.
users-new-roles = Roles
users-new-roles-hint = Select all that apply.
users-new-submit = Add user
users-added = { $name } has been added.
users-roles-title = Change roles
users-roles-submit = Save roles
users-roles-saved = The roles have been saved.
users-deactivate-title = Deactivate this user
users-deactivate-warning = They will be signed out at once and will not be able to sign in again. Their records stay.
users-deactivate-submit = Deactivate user
users-deactivated = { $name } has been deactivated and signed out.
users-whole-organisation = Whole organisation
users-service-label = Where
error-name-empty = Enter the user’s full name
error-name-too-long = The name must be 100 characters or fewer
error-roles-empty = Select at least one role
error-roles-unknown = Select roles from the list
error-roles-own-admin = You cannot remove your own organisation admin role
error-deactivate-self = You cannot deactivate your own account

## Audit
audit-title = Audit trail
audit-intro = The most recent things people did in your organisation’s records. Every view of this page is recorded too.
audit-when = When
audit-who = Who
audit-action = Action
audit-record = Record
audit-outcome = Outcome
audit-from = From
outcome-allowed = Allowed
outcome-denied = Refused
outcome-failed = Failed

## Roles
role-care_worker = Care worker
role-shift_lead = Shift lead
role-manager = Manager
role-safeguarding_lead = Safeguarding lead
role-org_admin = Organisation admin
role-auditor = Auditor (read only)
role-police = Police
role-social_worker = Social worker
role-return_interview_worker = Return interview worker

## Nations, regulators and kinds
nation-england = England
nation-wales = Wales
nation-scotland = Scotland
regulator-ofsted = Ofsted
regulator-cqc = Care Quality Commission
regulator-ciw = Care Inspectorate Wales
regulator-care_inspectorate = Care Inspectorate
service-childrens_home = Children’s home
service-fostering_service = Fostering service
service-supported_accommodation = Supported accommodation
service-home_care = Home care
service-adult_care_home = Adult care home
kind-child = Child
kind-adult = Adult

## Error pages
error-403-title = You cannot see this page
error-403-body = Your account does not give you access to this page. If you think it should, ask your manager or organisation admin.
error-404-title = Page not found
error-404-body = If you typed the web address, check it is correct. If you pasted it, check you copied all of it.
error-500-title = Sorry, something went wrong
error-500-body = Nothing you entered has been lost that was saved before this page. Try again in a few minutes. If someone is missing now, follow your missing plan and phone the police: do not wait for Homeward.
error-503-title = Homeward cannot reach its database
error-503-body = Try again in a few minutes. If someone is missing now, follow your missing plan and phone the police: do not wait for Homeward.
error-400-title = Something was wrong with that request
error-400-body = Go back and try again. If you were filling in a form, your page may have been open too long: reload it first.
error-csrf-body = This form was open too long or came from somewhere else. Go back, reload the page and try again.
error-back-home = Go to the home page
error-401-title = Sign in to carry on
problem-invalid = Some of the information is not right
problem-unsupported = Send the request body as JSON
problem-too-large = The request is too large

## What the audit trail's records mean (by action and record kind)
audit-do-api_token-create = Issued an API token
audit-do-audit-view = Read the audit trail
audit-do-organisation-create = Created the organisation
audit-do-person-create = Added a person
audit-do-person-list = Viewed the list of people
audit-do-service-create = Added a service
audit-do-session-sign_in = Signed in
audit-do-session-sign_out = Signed out
audit-do-user-create = Added a user
audit-do-user-deactivate = Deactivated a user
audit-do-user-list = Viewed the list of users
audit-do-user-roles = Changed a user’s roles
audit-do-user-view = Viewed a user
audit-do-route = Tried to open a page their role does not allow
audit-kind-audit_trail = Audit trail
audit-kind-organisation = Organisation
audit-kind-person = Person
audit-kind-route = Page
audit-kind-service = Service
audit-kind-session = Session
audit-kind-user = User
