## Y rhyngwyneb yn Gymraeg. Rhaid i bob id yma fod yn ../en-GB/main.ftl hefyd (mae prawf yn gwirio).
## Translation note: written by the engineering team; to be reviewed by a first-language Welsh speaker.

service-name = Homeward
skip-to-content = Neidio i’r prif gynnwys
language-switch-label = English
language-switch-hint = Change the language to English
nav-label = Dewislen
nav-home = Hafan
nav-people = Pobl
nav-users = Defnyddwyr
nav-audit = Trywydd archwilio
signed-in-as = Wedi mewngofnodi fel { $name }
sign-out = Allgofnodi
footer-text = Mae Homeward yn helpu i ddod o hyd i bobl sy’n mynd ar goll o ofal, ac yn eu cadw’n fwy diogel.

## Gwallau ar bob ffurflen
error-summary-title = Mae problem
error-prefix = Gwall:

## Mewngofnodi
sign-in-title = Mewngofnodi
sign-in-intro = Mewngofnodwch gyda’r cyfeiriad e-bost a’r cyfrinair a roddodd eich sefydliad i chi.
sign-in-email = Cyfeiriad e-bost
sign-in-password = Cyfrinair
sign-in-password-hint = Mae eich cyfrinair o leiaf 12 nod. Gallwch ei ludo.
sign-in-button = Mewngofnodi
sign-in-signed-out = Rydych wedi allgofnodi.
sign-in-expired = Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto i barhau.
error-sign-in-wrong = Nid yw’r cyfeiriad e-bost neu’r cyfrinair yn gywir
error-sign-in-throttled = Bu gormod o ymdrechion i fewngofnodi. Arhoswch 15 munud a rhowch gynnig arall arni.
error-email-empty = Rhowch gyfeiriad e-bost
error-email-format = Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.org
error-email-in-use = Mae cyfrif gyda’r cyfeiriad e-bost hwn yn bodoli eisoes
error-password-empty = Rhowch gyfrinair
error-password-too-short = Rhaid i’r cyfrinair fod o leiaf 12 nod
error-password-too-long = Rhaid i’r cyfrinair fod yn 128 nod neu lai
error-password-too-common = Dewiswch gyfrinair sy’n anoddach ei ddyfalu: osgowch gyfrineiriau cyffredin a’ch enw neu’ch e-bost eich hun

## Hafan
home-title = Hafan
home-welcome = Helo, { $name }
home-organisation = Sefydliad
home-nation = Gwlad
home-regulator = Rheoleiddiwr
home-registration = Rhif cofrestru
home-registered-manager = Rheolwr cofrestredig
home-safeguarding-lead = Arweinydd diogelu
home-your-roles = Eich rolau
home-what-you-can-do = Beth allwch chi ei wneud
home-can-people = Gweld y bobl yn eich gofal
home-can-users = Gweld a rheoli cyfrifon defnyddwyr
home-can-users-view = Gweld cyfrifon defnyddwyr
home-can-audit = Darllen y trywydd archwilio
home-partner-note = Mae gennych gyfrif partner. Byddwch yn gweld cofnodion yma pan fydd sefydliad yn eu rhannu â chi.
home-nothing = Nid oes dim yma ar gyfer eich rôl eto.
home-services = Gwasanaethau

## Pobl
people-title = Pobl
people-intro = Y plant a’r oedolion yn y gwasanaethau rydych yn gweithio ynddynt.
people-none = Nid oes neb i’w ddangos.
people-name = Enw
people-date-of-birth = Dyddiad geni
people-age = Oed
people-kind = Plentyn neu oedolyn
people-service = Gwasanaeth
people-count = { $count ->
    [zero] { $count } o bobl
    [one] { $count } person
    [two] { $count } berson
    [few] { $count } pherson
    [many] { $count } pherson
   *[other] { $count } o bobl
}

## Defnyddwyr
users-title = Defnyddwyr
users-intro = Pawb sy’n gallu mewngofnodi i Homeward eich sefydliad.
users-add = Ychwanegu defnyddiwr
users-name = Enw
users-email = Cyfeiriad e-bost
users-roles = Rolau
users-status = Statws
users-active = Gweithredol
users-inactive = Wedi’i ddadactifadu
users-view = Gweld
users-created = Crëwyd
users-new-title = Ychwanegu defnyddiwr
users-new-name = Enw llawn
users-new-email-hint = Byddant yn defnyddio hwn i fewngofnodi.
users-new-password = Cyfrinair i ddechrau
users-new-password-hint = O leiaf 12 nod. Rhowch ef iddynt wyneb yn wyneb neu dros y ffôn, nid yn yr un e-bost â’u cyfeiriad.
users-new-roles = Rolau
users-new-roles-hint = Dewiswch bob un sy’n berthnasol.
users-new-submit = Ychwanegu defnyddiwr
users-added = Mae { $name } wedi’i ychwanegu.
users-roles-title = Newid rolau
users-roles-submit = Cadw’r rolau
users-roles-saved = Mae’r rolau wedi’u cadw.
users-deactivate-title = Dadactifadu’r defnyddiwr hwn
users-deactivate-warning = Byddant yn cael eu hallgofnodi ar unwaith ac ni fyddant yn gallu mewngofnodi eto. Mae eu cofnodion yn aros.
users-deactivate-submit = Dadactifadu’r defnyddiwr
users-deactivated = Mae { $name } wedi’i ddadactifadu a’i allgofnodi.
users-whole-organisation = Y sefydliad cyfan
users-service-label = Ble
error-name-empty = Rhowch enw llawn y defnyddiwr
error-name-too-long = Rhaid i’r enw fod yn 100 nod neu lai
error-roles-empty = Dewiswch o leiaf un rôl
error-roles-unknown = Dewiswch rolau o’r rhestr
error-roles-own-admin = Ni allwch ddileu eich rôl gweinyddwr sefydliad eich hun
error-deactivate-self = Ni allwch ddadactifadu eich cyfrif eich hun

## Archwilio
audit-title = Trywydd archwilio
audit-intro = Y pethau diweddaraf a wnaeth pobl yng nghofnodion eich sefydliad. Mae pob tro y gwelir y dudalen hon yn cael ei gofnodi hefyd.
audit-when = Pryd
audit-who = Pwy
audit-action = Gweithred
audit-record = Cofnod
audit-outcome = Canlyniad
audit-from = O
outcome-allowed = Caniatawyd
outcome-denied = Gwrthodwyd
outcome-failed = Methodd

## Rolau
role-care_worker = Gweithiwr gofal
role-shift_lead = Arweinydd shifft
role-manager = Rheolwr
role-safeguarding_lead = Arweinydd diogelu
role-org_admin = Gweinyddwr sefydliad
role-auditor = Archwilydd (darllen yn unig)
role-police = Heddlu
role-social_worker = Gweithiwr cymdeithasol
role-return_interview_worker = Gweithiwr cyfweliadau dychwelyd

## Gwledydd, rheoleiddwyr a mathau
nation-england = Lloegr
nation-wales = Cymru
nation-scotland = Yr Alban
regulator-ofsted = Ofsted
regulator-cqc = Comisiwn Ansawdd Gofal
regulator-ciw = Arolygiaeth Gofal Cymru
regulator-care_inspectorate = Yr Arolygiaeth Gofal (yr Alban)
service-childrens_home = Cartref plant
service-fostering_service = Gwasanaeth maethu
service-supported_accommodation = Llety â chymorth
service-home_care = Gofal yn y cartref
service-adult_care_home = Cartref gofal i oedolion
kind-child = Plentyn
kind-adult = Oedolyn

## Tudalennau gwall
error-403-title = Ni allwch weld y dudalen hon
error-403-body = Nid yw eich cyfrif yn rhoi mynediad i chi i’r dudalen hon. Os ydych yn credu y dylai, gofynnwch i’ch rheolwr neu weinyddwr eich sefydliad.
error-404-title = Heb ddod o hyd i’r dudalen
error-404-body = Os gwnaethoch deipio’r cyfeiriad gwe, gwiriwch ei fod yn gywir. Os gwnaethoch ei ludo, gwiriwch eich bod wedi copïo’r cyfan.
error-500-title = Mae’n ddrwg gennym, aeth rhywbeth o’i le
error-500-body = Nid yw dim a gadwyd cyn y dudalen hon wedi’i golli. Rhowch gynnig arall arni ymhen ychydig funudau. Os oes rhywun ar goll nawr, dilynwch eich cynllun ar goll a ffoniwch yr heddlu: peidiwch ag aros am Homeward.
error-503-title = Ni all Homeward gyrraedd ei gronfa ddata
error-503-body = Rhowch gynnig arall arni ymhen ychydig funudau. Os oes rhywun ar goll nawr, dilynwch eich cynllun ar goll a ffoniwch yr heddlu: peidiwch ag aros am Homeward.
error-400-title = Roedd rhywbeth o’i le gyda’r cais hwnnw
error-400-body = Ewch yn ôl a rhowch gynnig arall arni. Os oeddech yn llenwi ffurflen, efallai bod eich tudalen wedi bod ar agor yn rhy hir: ail-lwythwch hi yn gyntaf.
error-csrf-body = Roedd y ffurflen hon ar agor yn rhy hir neu daeth o rywle arall. Ewch yn ôl, ail-lwythwch y dudalen a rhowch gynnig arall arni.
error-back-home = Mynd i’r hafan
error-401-title = Mewngofnodwch i barhau
problem-invalid = Nid yw peth o’r wybodaeth yn gywir
problem-unsupported = Anfonwch gorff y cais fel JSON
problem-too-large = Mae’r cais yn rhy fawr

## Ystyr cofnodion y trywydd archwilio (yn ôl gweithred a math o gofnod)
audit-do-api_token-create = Wedi rhoi tocyn API
audit-do-audit-view = Wedi darllen y trywydd archwilio
audit-do-organisation-create = Wedi creu’r sefydliad
audit-do-person-create = Wedi ychwanegu person
audit-do-person-list = Wedi gweld y rhestr o bobl
audit-do-service-create = Wedi ychwanegu gwasanaeth
audit-do-session-sign_in = Wedi mewngofnodi
audit-do-session-sign_out = Wedi allgofnodi
audit-do-user-create = Wedi ychwanegu defnyddiwr
audit-do-user-deactivate = Wedi dadactifadu defnyddiwr
audit-do-user-list = Wedi gweld y rhestr o ddefnyddwyr
audit-do-user-roles = Wedi newid rolau defnyddiwr
audit-do-user-view = Wedi gweld defnyddiwr
audit-do-route = Wedi ceisio agor tudalen nad yw eu rôl yn ei chaniatáu
audit-kind-audit_trail = Trywydd archwilio
audit-kind-organisation = Sefydliad
audit-kind-person = Person
audit-kind-route = Tudalen
audit-kind-service = Gwasanaeth
audit-kind-session = Sesiwn
audit-kind-user = Defnyddiwr
