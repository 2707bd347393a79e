// Passport renewal (DS-82), a multi-step government form. ?screen=<step> renders that step with the
// earlier steps already completed; window.omni.state.form holds every answer, .step the current step.
(function () {
  "use strict";
  const STEPS = [["eligibility", "Eligibility"], ["personal", "Personal details"], ["address", "Address & contact"],
    ["travel", "Travel & options"], ["documents", "Photo & documents"], ["review", "Review & pay"]];
  const SCREEN = new URLSearchParams(location.search).get("screen") || "eligibility";
  const STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida", "Georgia",
    "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
    "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
    "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming"];
  const FILES = [["passport_photo", "passport_photo_2026.jpg", "fa-file-image", "412 KB · JPG"],
    ["old_passport", "passport_scan_2016.pdf", "fa-file-pdf", "1.2 MB · PDF"],
    ["marriage_certificate", "marriage_certificate.pdf", "fa-file-pdf", "860 KB · PDF"],
    ["drivers_license", "drivers_license_front.png", "fa-file-image", "598 KB · PNG"],
    ["birth_certificate", "birth_certificate.pdf", "fa-file-pdf", "1.9 MB · PDF"],
    ["selfie", "IMG_4471.HEIC", "fa-file", "3.1 MB · HEIC"]];
  const S = {
    screen: SCREEN, step: Math.max(1, STEPS.findIndex((s) => s[0] === SCREEN) + 1), errors: [], eligible: null,
    form: {
      havePassport: null, undamaged: null, issued16: null, issued15: null, nameChanged: null,
      firstName: "Maria", middleName: "", lastName: "Gonzalez", dobMonth: "04", dobDay: "17", dobYear: "1988", sex: "F",
      birthCity: "San Antonio", birthState: "Texas", ssn: "", email: "maria.gonzalez@example.com", phone: "(210) 555-0148",
      eyeColor: null, hairColor: null,
      street1: "", street2: "", city: "", state: "", zip: "", sameAddress: true, contact: "email",
      travel: null, departure: null, destination: "", speed: "routine", delivery: false, product: "book", largeBook: false,
      uploads: {photo: null, passport: null, nameChange: null}, signature: 0,
      payMethod: "card", cardName: "", cardNumber: "", cardExpiry: "", cardCvc: "", certify: false
    },
    submitted: false, draftSaved: false, tooltip: null, selectedFile: null, preview: null, contextMenu: null,
    filePicker: null, language: "en", chatOpen: false, printed: false, calMonth: 11, exited: false,
    scroll: {page: 0, privacy: 0, times: 0}
  };
  window.omni = {ready: false, state: S};
  const F = S.form;
  const app = document.getElementById("app");
  const esc = (t) => String(t == null ? "" : t).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

  // ---------- building blocks ----------
  const input = (label, key, omni, opts = {}) => `
    <div class="fl ${opts.cls || ""}"><span class="lbl"><label for="f_${key}">${label}${opts.req ? ' <abbr class="req">*</abbr>' : ' <span class="opt">(optional)</span>'}</label>${opts.help ? ` <i class="fa-solid fa-circle-question help" data-omni="help_${opts.help}" data-help="${opts.help}"></i>` : ""}</span>
      ${opts.hint ? `<span class="hint">${opts.hint}</span>` : ""}
      <input data-omni="${omni}" data-field="${key}" id="f_${key}" value="${esc(F[key])}" placeholder="${opts.ph || ""}" autocomplete="off" ${opts.max ? `maxlength="${opts.max}"` : ""}>
      <span class="err" id="err_${key}"></span></div>`;
  const radios = (key, prefix, options, inline) => `<div class="radios${inline ? " inline" : ""}">${options.map(([v, t, sub]) =>
    `<div class="radio${F[key] === v ? " on" : ""}" data-omni="${prefix}_${String(v).toLowerCase()}" data-radio="${key}" data-val="${v}"><span class="rdot"></span><span>${t}${sub ? `<small>${sub}</small>` : ""}</span></div>`).join("")}</div>`;
  const check = (key, omni, text, sub) => `<div class="check${F[key] ? " on" : ""}" data-omni="${omni}" data-check="${key}"><span class="cbox"><i class="fa-solid fa-check"></i></span><span>${text}${sub ? `<small>${sub}</small>` : ""}</span></div>`;
  const yesno = (key, prefix, q, hint) => `<fieldset class="q"><legend>${q} <abbr class="req">*</abbr></legend>${hint ? `<span class="hint">${hint}</span>` : ""}
    ${radios(key, prefix, [["yes", "Yes"], ["no", "No"]], true)}<span class="err" id="err_${key}"></span></fieldset>`;
  // Radio values are strings in the DOM; yes/no answers are stored as booleans.
  const boolKeys = ["havePassport", "undamaged", "issued16", "issued15", "nameChanged", "travel"];

  function chrome(inner, side) {
    const cur = S.step;
    const steps = STEPS.map(([k, t], i) => {
      const n = i + 1, cls = n < cur ? "done" : n === cur ? "current" : "todo";
      return `<li class="step ${cls}" data-omni="step_${n}_${k}" data-step="${n}"><span class="sn">${n < cur ? '<i class="fa-solid fa-check"></i>' : n}</span><span class="st">${t}</span></li>`;
    }).join("");
    app.innerHTML = `
      <div class="banner"><div class="wrap"><img alt="" class="flag" src="data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="11"><rect width="16" height="11" fill="#b22234"/><g fill="#fff"><rect y="1.7" width="16" height="0.85"/><rect y="3.4" width="16" height="0.85"/><rect y="5.1" width="16" height="0.85"/><rect y="6.8" width="16" height="0.85"/><rect y="8.5" width="16" height="0.85"/></g><rect width="7" height="6" fill="#3c3b6e"/></svg>')}">
        An official website of the United States government <a data-omni="how_you_know">Here's how you know <i class="fa-solid fa-chevron-down"></i></a></div></div>
      <header class="hdr"><div class="wrap">
        <a class="brand" data-omni="site_home"><span class="seal"><i class="fa-solid fa-landmark-flag"></i></span><span><b>Travel.State.Gov</b><small>U.S. Department of State — Bureau of Consular Affairs</small></span></a>
        <nav class="mainnav"><a data-omni="nav_passports" class="on">U.S. Passports</a><a data-omni="nav_travel">International Travel</a><a data-omni="nav_visas">U.S. Visas</a><a data-omni="nav_contact">Contact Us</a></nav>
        <div class="hright"><a data-omni="language_espanol" class="lang"><i class="fa-solid fa-globe"></i> Español</a>
          <a data-omni="account_menu" class="acct"><i class="fa-solid fa-circle-user"></i> Maria Gonzalez</a><a data-omni="sign_out" class="signout">Sign out</a></div>
      </div></header>
      <div class="titlebar"><div class="wrap"><div class="crumb"><a data-omni="crumb_passports">Passports</a> / <a data-omni="crumb_renew">Renew</a> / Online application</div>
        <h1>Renew your passport <span class="form-id">Form DS-82</span></h1>
        <ol class="steps">${steps}</ol></div></div>
      <main class="wrap grid"><section class="form" id="form">${inner}</section>
        <aside class="side">${side || sidebar()}</aside></main>
      <footer class="foot"><div class="wrap"><span>Travel.State.Gov</span><a>Privacy</a><a>Accessibility</a><a>FOIA</a><a>No FEAR Act</a><a>USA.gov</a><span class="oig">Office of the Inspector General</span></div></footer>`;
  }

  function sidebar() {
    const fee = fees();
    return `<div class="card"><h3><i class="fa-regular fa-id-card"></i> Your application</h3>
        <dl><dt>Application ID</dt><dd>DS82-2026-448213</dd><dt>Started</dt><dd>Nov 27, 2026</dd><dt>Estimated fees</dt><dd id="fee_total">$${fee.total.toFixed(2)}</dd></dl>
        <div class="saved" id="saved_msg"><i class="fa-regular fa-clock"></i> Last saved Nov 28, 2026, 9:14 PM</div>
        <button class="btn outline full" data-omni="save_draft" title="Save (Ctrl+S)"><i class="fa-regular fa-floppy-disk"></i> Save and finish later</button>
        <button class="btn link full" data-omni="print_page"><i class="fa-solid fa-print"></i> Print this page</button></div>
      <div class="card help-card"><h3><i class="fa-regular fa-circle-question"></i> Need help?</h3>
        <p>National Passport Information Center<br><b>1-877-487-2778</b><br><small>Mon–Fri 8:00 a.m.–10:00 p.m. ET</small></p>
        <button class="btn outline full" data-omni="chat_button"><i class="fa-regular fa-comments"></i> Chat with an agent</button>
        <a data-omni="faq_link" class="side-link">Frequently asked questions <i class="fa-solid fa-arrow-up-right-from-square"></i></a>
        <a data-omni="fees_link" class="side-link">Passport fees <i class="fa-solid fa-arrow-up-right-from-square"></i></a></div>`;
  }

  function fees() {
    const base = F.product === "card" ? 30 : F.product === "both" ? 160 : 130;
    const exp = F.speed === "expedited" ? 60 : 0, del = F.delivery ? 22.05 : 0;
    return {base, exp, del, total: base + exp + del};
  }

  function navButtons(last) {
    return `<div class="navbtns">${S.step > 1 ? '<button class="btn outline" data-omni="back_button"><i class="fa-solid fa-arrow-left"></i> Back</button>' : ""}
      <button class="btn primary" data-omni="${last ? "submit_application" : "continue_button"}">${last ? '<i class="fa-solid fa-paper-plane"></i> Submit application' : 'Save and continue <i class="fa-solid fa-arrow-right"></i>'}</button>
      <a class="cancel" data-omni="cancel_application">Cancel application</a></div>`;
  }

  // ---------- steps ----------
  function eligibility() {
    chrome(`<div class="alert info"><i class="fa-solid fa-circle-info"></i><div><b>Can you renew online?</b> Answer the questions below to check that you can renew by mail or online with Form DS-82.</div></div>
      <div id="errsum"></div>
      ${yesno("havePassport", "have_passport", "Do you have your most recent U.S. passport book or card?")}
      ${yesno("undamaged", "undamaged", "Is it undamaged, other than normal wear and tear?")}
      ${yesno("issued16", "issued_16", "Was it issued when you were 16 or older?")}
      ${yesno("issued15", "issued_15", "Was it issued within the last 15 years?", "Your most recent passport was issued on <b>March 3, 2016</b>.")}
      ${yesno("nameChanged", "name_changed", "Has your name changed since your passport was issued?", "If yes, you will need to upload a marriage certificate or court order.")}
      <div class="privacy"><h4>Privacy Act Statement</h4><div class="privacy-box" data-omni="privacy_statement" id="privacy">${privacyText()}</div></div>
      ${navButtons()}`);
  }

  function privacyText() {
    return ["AUTHORITIES: The information is requested under the authority of 22 U.S.C. 211a et seq.; 8 U.S.C. 1104; 26 U.S.C. 6039E; Section 236 of the Admiral James W. Nance and Meg Donovan Foreign Relations Authorization Act; Executive Order 11295 (August 5, 1966); and 22 C.F.R. parts 50 and 51.",
      "PURPOSE: We are requesting this information in order to determine your eligibility to be issued a U.S. passport. Your Social Security number is used to verify your identity.",
      "ROUTINE USES: This information may be disclosed to another domestic government agency, a private contractor, a foreign government agency, or to a private person or private employer in accordance with certain approved routine uses.",
      "DISCLOSURE: Providing the information requested on this form is voluntary. Be advised, however, that failure to provide the information may delay or prevent the processing of your application.",
      "Failure to provide your Social Security number may result in a $500 penalty enforced by the IRS. All or part of this form may be provided to the Department of the Treasury.",
      "PAPERWORK REDUCTION ACT STATEMENT: Public reporting burden for this collection of information is estimated to average 40 minutes per response, including the time required for searching existing data sources.",
      "You do not have to supply this information unless this collection displays a currently valid OMB control number. Send comments to the Office of Passport Services.",
      "FALSE STATEMENTS: Making false statements or including false documentation in this application is punishable by fine and/or imprisonment under 18 U.S.C. 1001 and 18 U.S.C. 1542.",
      "USE OF PHOTOGRAPH: Your photograph may be used by the Department of State for facial recognition in order to verify your identity and to detect fraud.",
      "RETENTION: Records of this application are kept for 100 years from the date of your birth, in accordance with the Department's records schedule.",
      "CONTACT: If you have questions about this statement, write to the Privacy Office, U.S. Department of State, Washington, DC 20520, or call 1-877-487-2778."].map((p) => `<p>${p}</p>`).join("");
  }

  function personal() {
    const chips = (key, prefix, vals) => `<div class="chips">${vals.map((v) => `<button class="chip${F[key] === v ? " on" : ""}" data-omni="${prefix}_${v.toLowerCase()}" data-radio="${key}" data-val="${v}">${v}</button>`).join("")}</div>`;
    chrome(`<h2>Personal details</h2><p class="lede">Enter your name exactly as you want it to appear in your new passport.</p><div id="errsum"></div>
      <div class="row3">${input("First name", "firstName", "first_name_input", {req: 1})}${input("Middle name", "middleName", "middle_name_input")}${input("Last name", "lastName", "last_name_input", {req: 1})}</div>
      <div class="row3">
        <fieldset class="fl dob"><span class="lbl">Date of birth <abbr class="req">*</abbr> <i class="fa-solid fa-circle-question help" data-omni="help_dob" data-help="dob"></i></span><span class="hint">For example: 04 28 1986</span>
          <div class="dobrow"><label>Month<input data-omni="dob_month_input" data-field="dobMonth" value="${F.dobMonth}" maxlength="2"></label><label>Day<input data-omni="dob_day_input" data-field="dobDay" value="${F.dobDay}" maxlength="2"></label><label class="yr">Year<input data-omni="dob_year_input" data-field="dobYear" value="${F.dobYear}" maxlength="4"></label></div><span class="err" id="err_dob"></span></fieldset>
        <fieldset class="fl"><span class="lbl">Sex <abbr class="req">*</abbr></span>${radios("sex", "sex", [["F", "Female"], ["M", "Male"], ["X", "Unspecified or another gender identity"]])}</fieldset>
        ${input("Social Security number", "ssn", "ssn_input", {req: 1, help: "ssn", hint: "Format: 123-45-6789", ph: "___-__-____", max: 11})}
      </div>
      <div class="row3">${input("City of birth", "birthCity", "birth_city_input", {req: 1})}${input("State or country of birth", "birthState", "birth_state_input", {req: 1})}${input("Occupation", "occupation", "occupation_input")}</div>
      <div class="row2">${input("Email address", "email", "email_input", {req: 1})}${input("Phone number", "phone", "phone_input", {req: 1})}</div>
      <div class="row2"><div class="fl"><span class="lbl">Eye color</span>${chips("eyeColor", "eye", ["Brown", "Blue", "Green", "Hazel", "Gray"])}</div>
        <div class="fl"><span class="lbl">Hair color</span>${chips("hairColor", "hair", ["Black", "Brown", "Blonde", "Red", "Gray"])}</div></div>
      ${navButtons()}`);
  }

  function address() {
    chrome(`<h2>Mailing address and contact</h2><p class="lede">We will mail your new passport and your old passport to this address.</p><div id="errsum"></div>
      <div class="row2">${input("Street address", "street1", "street_address_input", {req: 1, ph: "e.g. 1420 Maple Avenue"})}${input("Apartment, suite, unit", "street2", "apartment_input")}</div>
      <div class="row3">${input("City", "city", "city_input", {req: 1})}
        <label class="fl combo"><span class="lbl">State <abbr class="req">*</abbr></span><span class="hint">Start typing, then press Enter</span>
          <div class="comboin"><input data-omni="state_input" data-field="state" id="f_state" value="${esc(F.state)}" placeholder="- Select -" autocomplete="off"><i class="fa-solid fa-chevron-down"></i></div>
          <ul class="combolist" id="statelist"></ul><span class="err" id="err_state"></span></label>
        ${input("ZIP code", "zip", "zip_input", {req: 1, max: 10})}</div>
      ${check("sameAddress", "same_address_checkbox", "My permanent address is the same as my mailing address")}
      <div id="permanent"></div>
      <h3>How should we contact you about your application?</h3>
      ${radios("contact", "contact", [["email", "Email", "maria.gonzalez@example.com"], ["phone", "Text message", "(210) 555-0148"], ["mail", "Postal mail", "Slowest option"]], true)}
      <h3>Emergency contact <span class="opt">(optional)</span></h3>
      <div class="row3">${input("Full name", "emergencyName", "emergency_name_input")}${input("Phone", "emergencyPhone", "emergency_phone_input")}${input("Relationship", "emergencyRel", "emergency_relationship_input")}</div>
      ${navButtons()}`);
    renderPermanent();
  }
  function renderPermanent() {
    const p = document.getElementById("permanent");
    if (p) p.innerHTML = F.sameAddress ? "" : `<div class="row2">${input("Permanent street address", "permStreet", "permanent_street_input", {req: 1})}${input("Permanent city, state, ZIP", "permCity", "permanent_city_input", {req: 1})}</div>`;
  }

  function calendar() {
    const names = ["November 2026", "December 2026", "January 2027"];
    const first = [0, 2, 5][S.calMonth - 10], days = [30, 31, 31][S.calMonth - 10];
    const ym = ["2026-11", "2026-12", "2027-01"][S.calMonth - 10];
    let cells = "";
    for (let i = 0; i < first; i++) cells += "<span></span>";
    for (let d = 1; d <= days; d++) {
      const iso = `${ym}-${String(d).padStart(2, "0")}`;
      const past = iso <= "2026-11-29";
      cells += `<button class="day${F.departure === iso ? " sel" : ""}${past ? " past" : ""}" ${past ? "disabled" : ""} data-omni="day_${d}" data-day="${iso}">${d}</button>`;
    }
    return `<div class="cal"><div class="calhead"><button class="iconbtn" data-omni="month_prev" ${S.calMonth <= 10 ? "disabled" : ""}><i class="fa-solid fa-chevron-left"></i></button><b>${names[S.calMonth - 10]}</b>
      <button class="iconbtn" data-omni="month_next" ${S.calMonth >= 12 ? "disabled" : ""}><i class="fa-solid fa-chevron-right"></i></button></div>
      <div class="dow"><span>Su</span><span>Mo</span><span>Tu</span><span>We</span><span>Th</span><span>Fr</span><span>Sa</span></div><div class="days">${cells}</div></div>`;
  }

  function travel() {
    const times = [["Routine service", "4–6 weeks", "—", "$130", "Mail"], ["Expedited service", "2–3 weeks", "+$60", "$190", "Mail"],
      ["Urgent travel (14 days)", "By appointment", "+$60", "$190", "In person"], ["Life-or-death emergency", "3 business days", "+$60", "$190", "In person"]];
    chrome(`<h2>Travel plans and passport options</h2><div id="errsum"></div>
      <div class="tgrid"><div>
        ${yesno("travel", "travel", "Do you have international travel planned in the next 3 months?")}
        <div class="fl"><span class="lbl">Departure date <span class="opt">(if traveling)</span></span><div id="calwrap">${calendar()}</div>
          <div class="selected-date" id="seldate">${F.departure ? "Selected: " + F.departure : "No date selected"}</div></div>
        ${input("Destination country", "destination", "destination_input", {ph: "e.g. Mexico"})}
      </div><div>
        <fieldset class="q"><legend>Processing speed <i class="fa-solid fa-circle-question help" data-omni="help_expedited" data-help="expedited"></i></legend>
          <div class="cards">${[["routine", "Routine", "4–6 weeks", "Included"], ["expedited", "Expedited", "2–3 weeks", "+$60.00"]].map(([v, t, d, p]) =>
        `<div class="pcard${F.speed === v ? " on" : ""}" data-omni="speed_${v}" data-radio="speed" data-val="${v}"><span class="rdot"></span><div><b>${t}</b><small>${d}</small></div><span class="price">${p}</span></div>`).join("")}</div></fieldset>
        ${check("delivery", "delivery_checkbox", "1–2 day return delivery (+$22.05)", "Faster shipping of your new passport book")}
        <fieldset class="q"><legend>What are you applying for?</legend>${radios("product", "product", [["book", "Passport book", "$130 · valid for air, land and sea travel"], ["card", "Passport card", "$30 · land and sea to Canada, Mexico, Caribbean"], ["both", "Both book and card", "$160"]])}</fieldset>
        ${check("largeBook", "large_book_checkbox", "Large passport book (52 pages instead of 28)", "No extra fee; for frequent travelers")}
        <div class="fee-line">Estimated total: <b id="fee_inline">$${fees().total.toFixed(2)}</b></div>
      </div></div>
      <h3>Current processing times</h3>
      <div class="tscroll" data-omni="processing_times_table" id="tscroll"><table><thead><tr><th>Service</th><th>Processing time</th><th>Extra fee</th><th>Total (book)</th><th>How to apply</th><th>Mailing time (to us)</th><th>Mailing time (to you)</th><th>Track online</th><th>Notes</th></tr></thead>
        <tbody>${times.map((r) => `<tr><td>${r.join("</td><td>")}</td><td>Up to 2 weeks</td><td>Up to 2 weeks</td><td>Yes</td><td>Times do not include mailing. Apply at least 3 months before travel.</td></tr>`).join("")}</tbody></table></div>
      ${navButtons()}`);
  }

  function documents() {
    const zone = (key, omni, title, desc, req) => `<div class="zone${F.uploads[key] ? " filled" : ""}" data-omni="${omni}" data-zone="${key}">
      <div class="zt"><b>${title}</b>${req ? ' <abbr class="req">*</abbr>' : ' <span class="opt">(if applicable)</span>'}<small>${desc}</small></div>
      <div class="zin" id="zone_${key}">${zoneInner(key)}</div>
      <button class="btn outline sm" data-omni="choose_${key}_file"><i class="fa-solid fa-upload"></i> Choose file</button></div>`;
    chrome(`<h2>Photo, documents and signature</h2><p class="lede">Drag files from <b>My documents</b> onto the matching box, or choose a file from your device.</p><div id="errsum"></div>
      <div class="dgrid"><div class="files"><div class="fhead"><b><i class="fa-regular fa-folder-open"></i> My documents</b><span>6 files</span></div>
        ${FILES.map(([k, n, ic, meta]) => `<div class="file" data-omni="file_${k}" data-file="${k}"><i class="fa-solid ${ic}"></i><div><b>${n}</b><small>${meta}</small></div><i class="fa-solid fa-grip-vertical grip"></i></div>`).join("")}
        <p class="hint">Double-click a file to preview it. Right-click for more options.</p></div>
      <div class="zones">${zone("photo", "photo_dropzone", 'Passport photo <i class="fa-solid fa-circle-question help" data-omni="help_photo" data-help="photo"></i>', "Color, 600×600 px, taken in the last 6 months", 1)}
        ${zone("passport", "passport_dropzone", "Most recent passport", "Scan of the data page (PDF, JPG or PNG)", 1)}
        ${zone("nameChange", "name_change_dropzone", "Name change document", "Marriage certificate or court order", 0)}</div></div>
      <h3>Signature <abbr class="req">*</abbr></h3><p class="hint">Sign with your mouse from the ✕ to the end of the line. By signing you declare that the information is true.</p>
      <div class="sigpad" data-omni="signature_pad" id="sigpad"><span class="sigx" data-omni="signature_start">✕</span><svg id="sigsvg" width="100%" height="100%"></svg><span class="sigline"></span><span class="sigend" data-omni="signature_end"></span></div>
      <div class="sigrow"><button class="btn link" data-omni="clear_signature"><i class="fa-solid fa-eraser"></i> Clear signature</button><span id="sigstatus" class="hint">Not signed</span></div>
      ${navButtons()}`);
  }
  function zoneInner(key) {
    const f = F.uploads[key];
    if (!f) return `<i class="fa-solid fa-cloud-arrow-up"></i><span>Drag a file here</span>`;
    const meta = FILES.find((x) => x[0] === f);
    return `<i class="fa-solid fa-circle-check ok"></i><span>${meta[1]}</span>`;
  }

  function review() {
    const fee = fees();
    const sec = (n, title, rows) => `<div class="rsec"><div class="rsh"><b>${title}</b><a data-omni="edit_${STEPS[n - 1][0]}" data-step="${n}"><i class="fa-solid fa-pen"></i> Edit</a></div>
      <dl>${rows.map(([a, b]) => `<dt>${a}</dt><dd>${b}</dd>`).join("")}</dl></div>`;
    chrome(`<h2>Review and pay</h2><div id="errsum"></div>
      <div class="rgrid"><div>
        ${sec(2, "Personal details", [["Name", "Maria Gonzalez"], ["Date of birth", "04/17/1988"], ["Place of birth", "San Antonio, Texas"], ["SSN", "•••-••-4417"]])}
        ${sec(3, "Mailing address", [["Address", "1420 Maple Avenue, Apt 3B"], ["City, State ZIP", "San Antonio, TX 78209"], ["Contact", "Email"]])}
        ${sec(4, "Options", [["Product", "Passport book"], ["Processing", "Routine (4–6 weeks)"], ["Travel", "None planned"]])}
        ${sec(5, "Documents", [["Photo", "passport_photo_2026.jpg"], ["Passport", "passport_scan_2016.pdf"], ["Signature", "Signed Nov 29, 2026"]])}
      </div><div>
        <table class="fees"><tr><td>Application fee (book)</td><td>$${fee.base.toFixed(2)}</td></tr><tr><td>Expedited service</td><td>$${fee.exp.toFixed(2)}</td></tr>
          <tr><td>1–2 day delivery</td><td>$${fee.del.toFixed(2)}</td></tr><tr class="tot"><td>Total due</td><td>$${fee.total.toFixed(2)}</td></tr></table>
        <fieldset class="q"><legend>Payment method</legend>${radios("payMethod", "pay", [["card", '<i class="fa-regular fa-credit-card"></i> Credit or debit card'], ["bank", '<i class="fa-solid fa-building-columns"></i> Bank account (ACH)']], true)}</fieldset>
        ${input("Name on card", "cardName", "card_name_input", {req: 1})}
        <div class="row3 pay">${input("Card number", "cardNumber", "card_number_input", {req: 1, ph: "1234 5678 9012 3456", cls: "wide"})}${input("Expiry (MM/YY)", "cardExpiry", "card_expiry_input", {req: 1, ph: "MM/YY"})}${input("CVC", "cardCvc", "card_cvc_input", {req: 1, max: 4})}</div>
      </div></div>
      <div class="privacy"><div class="privacy-box short" data-omni="privacy_statement" id="privacy">${privacyText()}</div></div>
      ${check("certify", "certify_checkbox", "I certify under penalty of perjury that the information in this application is true and correct.")}
      <span class="err" id="err_certify"></span>
      ${navButtons(true)}`);
  }

  const RENDER = {eligibility, personal, address, travel, documents, review};
  function render() { RENDER[STEPS[S.step - 1][0]](); attachScrollers(); }
  render();

  // ---------- validation ----------
  function setErr(key, msg) { const e = document.getElementById("err_" + key); if (e) e.textContent = msg; if (msg) S.errors.push(key); }
  function validate() {
    S.errors = [];
    document.querySelectorAll(".err").forEach((e) => { e.textContent = ""; });
    const need = (k, msg) => { if (F[k] === null || F[k] === "" || F[k] === undefined) setErr(k, msg || "This field is required."); };
    const step = STEPS[S.step - 1][0];
    if (step === "eligibility") {
      ["havePassport", "undamaged", "issued16", "issued15", "nameChanged"].forEach((k) => need(k, "Select yes or no."));
      if (!S.errors.length) S.eligible = F.havePassport && F.undamaged && F.issued16 && F.issued15;
      if (S.eligible === false) { S.errors.push("ineligible"); document.getElementById("errsum").innerHTML = '<div class="alert error"><i class="fa-solid fa-triangle-exclamation"></i><div><b>You cannot renew online.</b> You must apply in person with Form DS-11.</div></div>'; return false; }
    } else if (step === "personal") {
      ["firstName", "lastName", "birthCity", "birthState", "email", "phone"].forEach((k) => need(k));
      if (!/^\d{3}-\d{2}-\d{4}$/.test(F.ssn)) setErr("ssn", "Enter a 9-digit Social Security number like 123-45-6789.");
      if (!/^\d{1,2}$/.test(F.dobMonth) || !/^\d{1,2}$/.test(F.dobDay) || !/^\d{4}$/.test(F.dobYear)) setErr("dob", "Enter a valid date of birth.");
      if (F.email && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(F.email)) setErr("email", "Enter a valid email address.");
    } else if (step === "address") {
      ["street1", "city", "state"].forEach((k) => need(k));
      if (!/^\d{5}(-\d{4})?$/.test(F.zip)) setErr("zip", "Enter a 5-digit ZIP code.");
    } else if (step === "travel") {
      need("travel", "Select yes or no.");
      if (F.travel && !F.departure) { S.errors.push("departure"); }
      if (F.travel && !F.destination) setErr("destination", "Enter your destination.");
    } else if (step === "documents") {
      if (!F.uploads.photo) S.errors.push("photo");
      if (!F.uploads.passport) S.errors.push("passport");
      if (F.signature < 60) S.errors.push("signature");
    } else if (step === "review") {
      ["cardName", "cardNumber", "cardExpiry", "cardCvc"].forEach((k) => need(k));
      if (!F.certify) setErr("certify", "You must certify before submitting.");
    }
    if (S.errors.length) {
      document.getElementById("errsum").innerHTML = `<div class="alert error"><i class="fa-solid fa-triangle-exclamation"></i><div><b>There is a problem.</b> Fix ${S.errors.length} ${S.errors.length === 1 ? "error" : "errors"} on this page before you continue.</div></div>`;
      return false;
    }
    return true;
  }

  // ---------- interactions ----------
  const ctx = document.getElementById("ctxmenu");
  function saveDraft() {
    S.draftSaved = true; S.savedForm = JSON.parse(JSON.stringify(F));
    const m = document.getElementById("saved_msg"); if (m) m.innerHTML = '<i class="fa-solid fa-circle-check"></i> Draft saved just now';
  }
  function refreshFees() { const t = "$" + fees().total.toFixed(2); ["fee_total", "fee_inline"].forEach((id) => { const e = document.getElementById(id); if (e) e.textContent = t; }); }

  function handle(label, el) {
    let m;
    if (el.dataset.radio) {
      const k = el.dataset.radio; let v = el.dataset.val;
      if (boolKeys.includes(k)) v = v === "yes";
      F[k] = v;
      document.querySelectorAll(`[data-radio="${k}"]`).forEach((r) => r.classList.toggle("on", r === el));
      refreshFees(); return;
    }
    if (el.dataset.check) {
      const k = el.dataset.check; F[k] = !F[k]; el.classList.toggle("on", F[k]);
      if (k === "sameAddress") renderPermanent();
      refreshFees(); return;
    }
    if (label === "continue_button") { if (validate()) { S.step += 1; render(); } return; }
    if (label === "back_button") { S.step -= 1; render(); return; }
    if (label === "submit_application") { if (validate()) { S.submitted = true; document.getElementById("errsum").innerHTML = '<div class="alert success"><i class="fa-solid fa-circle-check"></i><div><b>Application submitted.</b> Confirmation number DS82-2026-448213. We emailed a receipt to maria.gonzalez@example.com.</div></div>'; } return; }
    if ((m = label.match(/^step_(\d)_/)) || (m = label.match(/^edit_/) && [0, el.dataset.step])) {
      const n = +m[1]; if (n < S.step) { S.step = n; render(); } return;
    }
    if (label === "save_draft") { saveDraft(); return; }
    if (label === "print_page") { S.printed = true; return; }
    if (label === "chat_button") { S.chatOpen = true; return; }
    if (label === "cancel_application") { S.exited = "cancel"; return; }
    if (label === "language_espanol") { S.language = "es"; return; }
    if (label === "sign_out") { S.exited = "signout"; return; }
    if (label === "month_next" || label === "month_prev") { S.calMonth += label === "month_next" ? 1 : -1; S.calMonth = Math.max(10, Math.min(12, S.calMonth)); document.getElementById("calwrap").innerHTML = calendar(); return; }
    if (el.dataset.day) {
      F.departure = el.dataset.day; document.querySelectorAll(".day").forEach((d) => d.classList.toggle("sel", d === el));
      document.getElementById("seldate").textContent = "Selected: " + F.departure; return;
    }
    if ((m = label.match(/^choose_(\w+)_file$/))) { S.filePicker = m[1]; return; }
    if (el.dataset.file) { S.selectedFile = el.dataset.file; document.querySelectorAll(".file").forEach((f) => f.classList.toggle("sel", f === el)); return; }
    if (label === "clear_signature") { F.signature = 0; document.getElementById("sigsvg").innerHTML = ""; document.getElementById("sigstatus").textContent = "Not signed"; return; }
    if (/^(nav_|crumb_|site_home|how_you_know|faq_link|fees_link|account_menu)/.test(label)) { S.navigated = label; return; }
  }

  document.addEventListener("click", (e) => {
    if (!ctx.hidden && !ctx.contains(e.target)) { ctx.hidden = true; S.contextMenu = null; }
    const el = e.target.closest("[data-omni]");
    if (!el || el.tagName === "INPUT") return;
    if (el.disabled) return;
    handle(el.dataset.omni, el);
  });
  document.addEventListener("input", (e) => {
    const k = e.target.dataset && e.target.dataset.field;
    if (!k) return;
    F[k] = e.target.value;
    if (k === "state") showStates(e.target.value);
  });
  function matchState(t) { t = t.trim().toLowerCase(); return t ? STATES.filter((s) => s.toLowerCase().startsWith(t)) : []; }
  function showStates(t) {
    const l = document.getElementById("statelist");
    const ms = matchState(t).slice(0, 6);
    l.innerHTML = ms.map((s, i) => `<li class="${i === 0 ? "hi" : ""}">${s}</li>`).join("");
    l.style.display = ms.length ? "block" : "none";
  }
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { saveDraft(); e.preventDefault(); return; }
    if (t.id === "f_state" && e.key === "Enter") {
      const ms = matchState(t.value); F.state = ms.length ? ms[0] : ""; t.value = F.state;
      document.getElementById("statelist").style.display = "none"; e.preventDefault(); return;
    }
    if (e.key === "Escape") { ctx.hidden = true; S.contextMenu = null; closePreview(); }
  });
  // Help tooltips on hover.
  document.addEventListener("mouseover", (e) => {
    const h = e.target.closest("[data-help]");
    S.tooltip = h ? h.dataset.help : null;
    let tip = document.getElementById("tip");
    if (!h) { if (tip) tip.style.display = "none"; return; }
    const texts = {ssn: "We use your Social Security number to verify your identity. It is required by 26 U.S.C. 6039E.",
      dob: "Use two digits for the month and day and four digits for the year.",
      photo: "Plain white background, no glasses, neutral expression, taken in the last 6 months.",
      expedited: "Expedited service costs $60 extra and takes 2–3 weeks, not counting mailing time."};
    if (!tip) { tip = document.createElement("div"); tip.id = "tip"; tip.className = "tip"; document.body.appendChild(tip); }
    const r = h.getBoundingClientRect();
    tip.textContent = texts[S.tooltip]; tip.style.left = (r.left - 10) + "px"; tip.style.top = (r.bottom + window.scrollY + 8) + "px"; tip.style.display = "block";
  });
  // Files: double-click previews, right-click opens a context menu, drag onto a drop zone uploads.
  function closePreview() { const p = document.getElementById("preview"); if (p) p.remove(); S.preview = null; }
  document.addEventListener("dblclick", (e) => {
    const f = e.target.closest("[data-file]");
    if (!f) return;
    S.preview = f.dataset.file;
    const meta = FILES.find((x) => x[0] === S.preview);
    const p = document.createElement("div"); p.id = "preview"; p.className = "modal";
    p.innerHTML = `<div class="mbox"><div class="mhead"><b>${meta[1]}</b><i class="fa-solid fa-xmark"></i></div><div class="mbody"><i class="fa-solid ${meta[2]}"></i><p>${meta[3]}</p></div></div>`;
    document.body.appendChild(p);
  });
  document.addEventListener("contextmenu", (e) => {
    e.preventDefault();
    const f = e.target.closest("[data-file]");
    if (!f) return;
    S.contextMenu = f.dataset.file;
    ctx.innerHTML = ["Preview", "Rename", "Download", "Delete"].map((t) => `<div class="ci">${t}</div>`).join("");
    ctx.style.left = e.clientX + "px"; ctx.style.top = e.clientY + "px"; ctx.hidden = false;
  });
  let drag = null, sig = null;
  document.addEventListener("mousedown", (e) => {
    if (e.button !== 0) return;
    const f = e.target.closest("[data-file]");
    if (f) { drag = {file: f.dataset.file}; f.classList.add("dragging"); e.preventDefault(); return; }
    const pad = e.target.closest("#sigpad");
    if (pad) {
      const r = pad.getBoundingClientRect();
      sig = {r, last: [e.clientX - r.left, e.clientY - r.top], path: `M${e.clientX - r.left},${e.clientY - r.top}`};
      e.preventDefault();
    }
  });
  document.addEventListener("mousemove", (e) => {
    if (drag) document.querySelectorAll(".zone").forEach((z) => { const b = z.getBoundingClientRect(); z.classList.toggle("over", e.clientX >= b.left && e.clientX <= b.right && e.clientY >= b.top && e.clientY <= b.bottom); });
    if (sig) {
      const x = e.clientX - sig.r.left, y = e.clientY - sig.r.top;
      F.signature += Math.hypot(x - sig.last[0], y - sig.last[1]); sig.last = [x, y];
      // A little wobble makes the stroke look hand-written; it is a fixed function of x, so it is deterministic.
      sig.path += ` L${x.toFixed(1)},${(y + 6 * Math.sin(x / 9)).toFixed(1)}`;
      document.getElementById("sigsvg").innerHTML = `<path d="${sig.path}" fill="none" stroke="#1b2a6b" stroke-width="2.5" stroke-linecap="round"/>`;
      document.getElementById("sigstatus").textContent = F.signature >= 60 ? "Signed" : "Not signed";
    }
  });
  document.addEventListener("mouseup", (e) => {
    if (drag) {
      const z = [...document.querySelectorAll(".zone")].find((zz) => { const b = zz.getBoundingClientRect(); return e.clientX >= b.left && e.clientX <= b.right && e.clientY >= b.top && e.clientY <= b.bottom; });
      if (z) { F.uploads[z.dataset.zone] = drag.file; document.getElementById("zone_" + z.dataset.zone).innerHTML = zoneInner(z.dataset.zone); z.classList.add("filled"); }
      document.querySelectorAll(".zone").forEach((zz) => zz.classList.remove("over"));
      document.querySelectorAll(".file").forEach((f) => f.classList.remove("dragging"));
      drag = null;
    }
    sig = null;
  });
  function attachScrollers() {
    const p = document.getElementById("privacy"); if (p) p.addEventListener("scroll", () => { S.scroll.privacy = Math.round(p.scrollTop); }, {passive: true});
    const t = document.getElementById("tscroll"); if (t) t.addEventListener("scroll", () => { S.scroll.times = Math.round(t.scrollLeft); }, {passive: true});
  }
  window.addEventListener("scroll", () => { S.scroll.page = Math.round(window.scrollY); }, {passive: true});
  window.omni.ready = true;
})();
