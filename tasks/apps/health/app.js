// CareBridge Health, a patient portal. ?screen=<name> renders one page from the fixed data below;
// window.omni.state records what the patient did (bookings, refills, messages, opened results).
(function () {
  "use strict";
  const SCREEN = new URLSearchParams(location.search).get("screen") || "dashboard";
  const DOCTORS = [
    {id: "shah", name: "Dr. Priya Shah, MD", spec: "Family Medicine", loc: "Riverside Clinic · 1.2 mi", rating: 4.9, reviews: 212, video: true, icon: "fa-user-doctor"},
    {id: "okafor", name: "Dr. Daniel Okafor, MD", spec: "Internal Medicine", loc: "Downtown Medical Center · 3.4 mi", rating: 4.7, reviews: 158, video: true, icon: "fa-user-doctor"},
    {id: "lindqvist", name: "Dr. Emma Lindqvist, DO", spec: "Family Medicine", loc: "Northgate Health · 5.0 mi", rating: 4.8, reviews: 96, video: false, icon: "fa-user-nurse"}
  ];
  const SPECIALTIES = [["primary", "Primary care", "fa-stethoscope"], ["dermatology", "Dermatology", "fa-hand-dots"], ["cardiology", "Cardiology", "fa-heart-pulse"],
    ["pediatrics", "Pediatrics", "fa-baby"], ["orthopedics", "Orthopedics", "fa-bone"], ["eye", "Eye care", "fa-eye"]];
  const TIMES = ["8:00 AM", "8:30 AM", "9:00 AM", "9:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "1:00 PM", "1:30 PM", "2:00 PM", "3:00 PM", "4:30 PM"];
  const DAYS = []; // Dec 1 - Dec 21, 2026, weekdays only
  for (let d = 1; d <= 21; d++) { const wd = (d + 1) % 7; if (wd !== 0 && wd !== 6) DAYS.push({d, wd: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][wd]}); }
  const slotFree = (day, i) => ((day * 7 + i * 5) % 4) !== 0; // fixed pattern of booked slots
  const THREADS = [
    ["shah", "Dr. Priya Shah", "Your lab results", "Hi Alex, your cholesterol looks much better than last year. Keep up the walking!", "10:42 AM", true],
    ["pharmacy", "CareBridge Pharmacy", "Prescription ready for pickup", "Your atorvastatin 20 mg is ready at Riverside Pharmacy.", "9:15 AM", true],
    ["billing", "Billing Office", "Statement available", "Your statement for the Oct 28 visit is ready. Amount due: $45.00.", "Yesterday", true],
    ["lee", "Dr. Marcus Lee", "Follow-up on skin check", "Please send a photo of the mole on your left shoulder before our video visit.", "Nov 26", false],
    ["nurse", "Nurse Line (Sarah K., RN)", "Re: Flu shot question", "Yes, you can get the flu shot while taking lisinopril.", "Nov 24", false],
    ["okafor", "Dr. Daniel Okafor", "Referral approved", "Your referral to cardiology has been approved by your insurer.", "Nov 20", false],
    ["front", "Riverside Clinic Front Desk", "Appointment reminder", "This is a reminder of your appointment on Dec 3 at 9:30 AM.", "Nov 19", false],
    ["records", "Medical Records", "Records request completed", "The records you requested have been sent to Dr. Okafor.", "Nov 12", false],
    ["shah2", "Dr. Priya Shah", "Blood pressure log", "Thanks for sending your readings. Let's review them at your visit.", "Nov 8", false],
    ["survey", "Patient Experience", "How was your visit?", "Tell us about your Oct 28 visit with Dr. Shah. It takes 2 minutes.", "Oct 29", false],
    ["insurance", "Insurance Desk", "Coverage updated", "We updated your insurance to BlueRiver PPO, member ID BRX-448201.", "Oct 21", false],
    ["lab", "Quest Lab Services", "Fasting instructions", "Please do not eat or drink anything but water for 12 hours before your test.", "Oct 15", false],
    ["okafor2", "Dr. Daniel Okafor", "Medication change", "Let's lower your lisinopril to 10 mg and recheck your pressure in a month.", "Oct 2", false],
    ["pt", "Riverside Physical Therapy", "Exercise plan", "Attached is your home exercise plan for your lower back.", "Sep 28", false],
    ["portal", "CareBridge Support", "Welcome to CareBridge", "Your account is active. Download the app to check in from your phone.", "Sep 3", false],
    ["dental", "Smile Dental Group", "Cleaning reminder", "It has been 6 months since your last cleaning. Book online anytime.", "Aug 30", false]
  ];
  const MEDS = [
    ["atorvastatin", "Atorvastatin 20 mg tablet", "Take 1 tablet by mouth every evening", 2, "Nov 2, 2026", "fa-pills"],
    ["lisinopril", "Lisinopril 10 mg tablet", "Take 1 tablet by mouth once daily", 0, "Oct 30, 2026", "fa-tablets"],
    ["metformin", "Metformin 500 mg tablet", "Take 1 tablet twice daily with meals", 3, "Nov 14, 2026", "fa-capsules"],
    ["albuterol", "Albuterol HFA 90 mcg inhaler", "2 puffs every 4–6 hours as needed", 1, "Sep 9, 2026", "fa-spray-can"],
    ["vitamind", "Vitamin D3 2,000 IU capsule", "Take 1 capsule daily", 5, "Aug 20, 2026", "fa-sun"]
  ];
  const RESULTS = [
    ["lipid", "Lipid Panel", "Nov 24, 2026", "Dr. Priya Shah", true, "fa-droplet"],
    ["a1c", "Hemoglobin A1c", "Nov 24, 2026", "Dr. Priya Shah", true, "fa-cubes-stacked"],
    ["cbc", "Complete Blood Count (CBC)", "Nov 24, 2026", "Dr. Priya Shah", false, "fa-vial"],
    ["cmp", "Comprehensive Metabolic Panel", "Nov 24, 2026", "Dr. Priya Shah", false, "fa-flask"],
    ["vitd", "Vitamin D, 25-Hydroxy", "Aug 12, 2026", "Dr. Daniel Okafor", false, "fa-sun"],
    ["tsh", "Thyroid Stimulating Hormone", "Aug 12, 2026", "Dr. Daniel Okafor", false, "fa-bolt"],
    ["ua", "Urinalysis", "May 3, 2026", "Dr. Priya Shah", false, "fa-flask-vial"],
    ["xray", "Chest X-ray, 2 views", "Feb 17, 2026", "Dr. Daniel Okafor", false, "fa-x-ray"]
  ];
  const S = {
    screen: SCREEN, view: SCREEN, contextMenu: null, tooltip: null, notificationsOpen: false, search: {text: "", submitted: null},
    appointments: {appt_1: "scheduled", appt_2: "scheduled"}, checkedIn: [], reminders: [],
    booking: {specialty: "primary", doctor: null, date: null, time: null, visitType: "in_person", reason: "", pain: 0, videoOnly: false},
    booked: null, stripScroll: 0,
    openThread: "shah", popout: null, sent: [], archived: [], starred: [], folder: "inbox", composing: false, attached: false,
    refill: {selected: [], pharmacy: "riverside", delivery: "pickup", submitted: null, note: ""}, reminderTime: 8, medReminders: {atorvastatin: true, lisinopril: true, metformin: false, albuterol: false, vitamind: false},
    result: "lipid", report: null, shared: [], downloaded: [], asked: false,
    paid: false, scroll: {page: 0, threads: 0, dates: 0, trend: 0}
  };
  window.omni = {ready: false, state: S};
  const app = document.getElementById("app");
  const esc = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;");

  // ---------- chrome ----------
  const NAV = [["dashboard", "fa-house", "Home"], ["booking", "fa-calendar-plus", "Book appointment"], ["appointments", "fa-calendar-check", "Appointments"],
    ["messages", "fa-envelope", "Messages", 3], ["results", "fa-flask", "Test results", 2], ["medications", "fa-prescription-bottle-medical", "Medications"],
    ["billing", "fa-file-invoice-dollar", "Billing"], ["records", "fa-notes-medical", "Health summary"], ["settings", "fa-gear", "Settings"]];
  document.getElementById("nav").innerHTML = `<div class="logo"><i class="fa-solid fa-heart-circle-plus"></i><div><b>CareBridge</b><small>Health</small></div></div>
    ${NAV.map(([k, ic, t, n]) => `<a class="navlink${k === SCREEN ? " on" : ""}" data-omni="nav_${k}"><i class="fa-solid ${ic}"></i><span>${t}</span>${n ? `<em>${n}</em>` : ""}</a>`).join("")}
    <div class="navfoot"><a class="navlink" data-omni="nav_help"><i class="fa-regular fa-circle-question"></i><span>Help &amp; support</span></a>
    <a class="navlink" data-omni="sign_out"><i class="fa-solid fa-arrow-right-from-bracket"></i><span>Sign out</span></a></div>`;
  document.getElementById("top").innerHTML = `<div class="search"><i class="fa-solid fa-magnifying-glass"></i><input data-omni="search_input" id="search_input" placeholder="Search doctors, results, medications… (Ctrl+K)"></div>
    <div class="tright"><span class="proxy" data-omni="switch_account"><i class="fa-solid fa-people-arrows"></i> Switch to: Jamie (child)</span>
      <button class="ibtn" data-omni="notifications_button"><i class="fa-regular fa-bell"></i><span class="dot">4</span></button>
      <div class="me" data-omni="profile_menu"><span class="av">AM</span><div><b>Alex Morgan</b><small>MRN 00482913</small></div><i class="fa-solid fa-chevron-down"></i></div></div>`;

  // ---------- dashboard ----------
  function dashboard() {
    app.innerHTML = `<div class="page">
      <div class="hello"><div><h1>Good afternoon, Alex</h1><p>Sunday, November 29, 2026 · You have 2 upcoming appointments and 3 unread messages.</p></div>
        <div class="qa"><button class="qbtn" data-omni="quick_book"><i class="fa-solid fa-calendar-plus"></i>Book a visit</button><button class="qbtn" data-omni="quick_message"><i class="fa-solid fa-pen-to-square"></i>Message my doctor</button>
        <button class="qbtn" data-omni="quick_refill"><i class="fa-solid fa-prescription-bottle-medical"></i>Request refill</button><button class="qbtn" data-omni="quick_pay"><i class="fa-solid fa-credit-card"></i>Pay $45.00</button></div></div>
      <div class="dgrid">
        <section class="card span2"><div class="ch"><h2><i class="fa-regular fa-calendar"></i> Upcoming appointments</h2><a data-omni="all_appointments">View all</a></div>
          ${appt(1, "DEC", "3", "Thursday, Dec 3 · 9:30 AM", "Annual physical", "Dr. Priya Shah · Family Medicine", "Riverside Clinic, Suite 210", "fa-hospital", true)}
          ${appt(2, "DEC", "15", "Tuesday, Dec 15 · 2:00 PM", "Skin check follow-up (video visit)", "Dr. Marcus Lee · Dermatology", "Video visit — link opens 15 min before", "fa-video", false)}
        </section>
        <section class="card"><div class="ch"><h2><i class="fa-regular fa-envelope"></i> Messages <span class="pill">3 new</span></h2><a data-omni="all_messages">Inbox</a></div>
          ${THREADS.slice(0, 3).map((t, i) => `<div class="mprev unread" data-omni="message_preview_${i + 1}" data-thread="${t[0]}"><span class="mav">${t[1].split(" ").map((w) => w[0]).slice(0, 2).join("")}</span><div><b>${t[1]}</b><span>${t[2]}</span></div><small>${t[4]}</small></div>`).join("")}
        </section>
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-prescription-bottle-medical"></i> Medications</h2><a data-omni="all_medications">Manage</a></div>
          ${MEDS.slice(0, 3).map((m) => `<div class="medrow"><i class="fa-solid ${m[5]}"></i><div><b>${m[1]}</b><small>${m[3]} refill${m[3] === 1 ? "" : "s"} left</small></div><button class="sbtn${m[3] === 0 ? " warn" : ""}" data-omni="refill_${m[0]}" data-refill="${m[0]}">${m[3] === 0 ? "Renew" : "Refill"}</button></div>`).join("")}
        </section>
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-flask"></i> Recent test results</h2><a data-omni="all_results">See all</a></div>
          ${RESULTS.slice(0, 4).map((r) => `<div class="rprev" data-omni="result_preview_${r[0]}" data-result="${r[0]}"><div><b>${r[1]}</b><small>${r[2]}</small></div>${r[4] ? '<span class="new">New</span>' : '<span class="ok"><i class="fa-solid fa-circle-check"></i> Normal</span>'}</div>`).join("")}
        </section>
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-bell"></i> Health reminders</h2></div>
          <div class="remind"><i class="fa-solid fa-syringe"></i><div><b>Flu vaccine</b><small>Due now · last given Oct 2025</small></div><button class="sbtn" data-omni="schedule_flu_shot">Schedule</button></div>
          <div class="remind"><i class="fa-solid fa-eye"></i><div><b>Diabetic eye exam</b><small>Due Jan 2027</small></div><button class="sbtn ghost" data-omni="remind_eye_exam">Remind me</button></div>
          <div class="remind"><i class="fa-solid fa-heart-pulse"></i><div><b>Blood pressure check</b><small>Overdue by 2 weeks</small></div><button class="sbtn" data-omni="log_blood_pressure">Log reading</button></div>
        </section>
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-person-walking"></i> Activity this week</h2></div>
          <div class="bars">${[6200, 8400, 7100, 10300, 5400, 9100, 3900].map((v, i) => `<div class="bar" style="height:${v / 120}px" title="${v}"><span>${"MTWTFSS"[i]}</span></div>`).join("")}</div>
          <p class="muted">Average 7,200 steps a day · goal 8,000</p></section>
      </div>
      <div class="dgrid lower">
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-file-invoice-dollar"></i> Billing</h2></div><p>Balance due <b>$45.00</b> for the Oct 28 office visit.</p><button class="sbtn" data-omni="pay_now">Pay now</button></section>
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-clock-rotate-left"></i> Past visits</h2></div>${["Oct 28 · Office visit · Dr. Shah", "Aug 12 · Lab visit · Quest", "May 3 · Office visit · Dr. Shah"].map((v, i) => `<div class="pv" data-omni="past_visit_${i + 1}">${v}</div>`).join("")}</section>
        <section class="card"><div class="ch"><h2><i class="fa-solid fa-shield-heart"></i> Insurance</h2></div><p>BlueRiver PPO · Member BRX-448201</p><button class="sbtn ghost" data-omni="view_insurance_card">View card</button></section>
      </div>
      <section class="card team"><div class="ch"><h2><i class="fa-solid fa-user-group"></i> Your care team</h2><a data-omni="manage_care_team">Manage</a></div>
        <div class="teamgrid">${[["Dr. Priya Shah, MD", "Primary care physician", "fa-user-doctor"], ["Dr. Marcus Lee, MD", "Dermatology", "fa-user-doctor"], ["Dr. Daniel Okafor, MD", "Internal Medicine", "fa-user-doctor"], ["Sarah Kim, RN", "Care coordinator", "fa-user-nurse"]].map((d, i) =>
          `<div class="tm" data-omni="care_team_${i + 1}"><span class="dav"><i class="fa-solid ${d[2]}"></i></span><div><b>${d[0]}</b><small>${d[1]}</small></div></div>`).join("")}</div></section>
      <section class="card team"><div class="ch"><h2><i class="fa-solid fa-book-medical"></i> Health library</h2></div>
        ${["Understanding your cholesterol numbers", "Prediabetes: 7 small changes that help", "Getting ready for your annual physical", "When to use urgent care vs. the ER"].map((t, i) => `<div class="pv" data-omni="library_article_${i + 1}"><i class="fa-regular fa-file-lines"></i> ${t}</div>`).join("")}</section>
      </div>`;
  }
  function appt(n, mon, day, when, what, who, where, ic, inPerson) {
    return `<div class="appt" data-omni="appointment_${n}" data-appt="${n}"><div class="date"><small>${mon}</small><b>${day}</b></div>
      <div class="ainfo"><b>${what}</b><span>${when}</span><span class="muted"><i class="fa-solid ${ic}"></i> ${who} · ${where}</span><span class="astatus" id="astatus_${n}"></span></div>
      <div class="aact">${inPerson ? `<button class="sbtn" data-omni="checkin_appt_${n}">eCheck-In</button>` : `<button class="sbtn" data-omni="test_video_appt_${n}">Test video</button>`}
        <button class="sbtn ghost" data-omni="reschedule_appt_${n}">Reschedule</button><button class="sbtn ghost danger" data-omni="cancel_appt_${n}">Cancel</button>
        <button class="ibtn sm" data-omni="calendar_appt_${n}" title="Add to calendar"><i class="fa-regular fa-calendar-plus"></i></button></div></div>`;
  }

  // ---------- booking ----------
  function booking() {
    const b = S.booking;
    app.innerHTML = `<div class="page"><h1>Book an appointment</h1><p class="sub">Choose a type of care, a doctor and a time that works for you.</p>
      <div class="bgrid"><div>
        <h3>1. Type of care</h3><div class="specs">${SPECIALTIES.map(([k, t, ic]) => `<button class="spec${b.specialty === k ? " on" : ""}" data-omni="specialty_${k}" data-spec="${k}"><i class="fa-solid ${ic}"></i>${t}</button>`).join("")}</div>
        <h3>2. Doctor <label class="tog" data-omni="video_only_toggle"><span class="sw"></span>Video visits only</label></h3>
        ${DOCTORS.map((d) => `<div class="doc${b.doctor === d.id ? " on" : ""}" data-omni="doctor_${d.id}" data-doc="${d.id}"><span class="dav"><i class="fa-solid ${d.icon}"></i></span>
          <div class="dinfo"><b>${d.name}</b><span>${d.spec} · ${d.loc}</span><span class="stars"><i class="fa-solid fa-star"></i> ${d.rating} <span class="muted">(${d.reviews} reviews)</span>${d.video ? ' · <i class="fa-solid fa-video"></i> Video visits' : ""}</span></div>
          <i class="fa-solid fa-circle-info info" data-omni="doctor_info_${d.id}" data-tip="doc_${d.id}"></i><span class="pick">${b.doctor === d.id ? "Selected" : "Select"}</span></div>`).join("")}
        <h3>How are you feeling?</h3>
        <div class="painwrap"><span class="plabel">Pain level <b id="painval">0</b>/10</span>
          <div class="ptrack" data-omni="pain_track" id="ptrack"><div class="pfill" id="pfill"></div><div class="pthumb" data-omni="pain_thumb" id="pthumb"></div></div>
          <div class="pticks">${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `<span data-omni="pain_${n}" data-pain="${n}">${n}</span>`).join("")}</div></div>
      </div><div>
        <h3>3. Date and time <span class="muted small">December 2026</span></h3>
        <div class="strip"><button class="ibtn" data-omni="dates_prev"><i class="fa-solid fa-chevron-left"></i></button>
          <div class="dates" data-omni="date_strip" id="dates">${DAYS.map((x) => `<button class="dchip" data-omni="date_dec_${x.d}" data-date="${x.d}"><small>${x.wd}</small><b>${x.d}</b><small>Dec</small></button>`).join("")}</div>
          <button class="ibtn" data-omni="dates_next"><i class="fa-solid fa-chevron-right"></i></button></div>
        <div class="slots" id="slots"></div>
        <h3>4. Visit details</h3>
        <div class="vtype">${[["in_person", "fa-hospital", "In person"], ["video", "fa-video", "Video visit"], ["phone", "fa-phone", "Phone call"]].map(([k, ic, t]) =>
        `<button class="vt${b.visitType === k ? " on" : ""}" data-omni="visit_${k}" data-vt="${k}"><i class="fa-solid ${ic}"></i>${t}</button>`).join("")}</div>
        <textarea data-omni="reason_input" id="reason" placeholder="Reason for visit (e.g. persistent cough for 2 weeks)"></textarea>
        <div class="summary" id="bsummary">Select a doctor, date and time.</div>
        <button class="primary big" data-omni="confirm_booking"><i class="fa-solid fa-calendar-check"></i> Book appointment</button>
      </div></div></div>`;
    renderSlots();
  }
  function renderSlots() {
    const el = document.getElementById("slots");
    const b = S.booking;
    el.innerHTML = TIMES.map((t, i) => {
      const free = b.date ? slotFree(b.date, i) : true;
      const lab = "slot_" + t.replace(/[: ]/g, "").toLowerCase();
      return `<button class="slot${b.time === t ? " on" : ""}${free ? "" : " taken"}" data-omni="${lab}" data-time="${t}" data-i="${i}">${t}</button>`;
    }).join("");
    document.querySelectorAll(".dchip").forEach((c) => c.classList.toggle("on", +c.dataset.date === b.date));
    const doc = DOCTORS.find((d) => d.id === b.doctor);
    document.getElementById("bsummary").innerHTML = doc && b.date && b.time ? `<i class="fa-regular fa-calendar-check"></i> ${doc.name} · Dec ${b.date}, 2026 at ${b.time}` : "Select a doctor, date and time.";
  }
  function setPain(n) {
    S.booking.pain = n;
    document.getElementById("painval").textContent = n;
    document.getElementById("pthumb").style.left = (n * 10) + "%";
    document.getElementById("pfill").style.width = (n * 10) + "%";
  }

  // ---------- messages ----------
  function messages() {
    const t = THREADS.find((x) => x[0] === S.openThread);
    app.innerHTML = `<div class="page msgs"><div class="mcols">
      <div class="folders"><button class="primary" data-omni="new_message"><i class="fa-solid fa-pen-to-square"></i> New message</button>
        ${[["inbox", "fa-inbox", "Inbox", 3], ["sent", "fa-paper-plane", "Sent"], ["archived", "fa-box-archive", "Archived"], ["starred", "fa-star", "Starred"]].map(([k, ic, n, c]) =>
        `<a class="folder${k === "inbox" ? " on" : ""}" data-omni="folder_${k}" data-folder="${k}"><i class="fa-solid ${ic}"></i>${n}${c ? `<em>${c}</em>` : ""}</a>`).join("")}
        <div class="fnote"><i class="fa-solid fa-triangle-exclamation"></i> For emergencies call 911. Messages are answered within 2 business days.</div></div>
      <div class="threads" data-omni="thread_list" id="threads">${THREADS.map((x) => `<div class="thread${x[5] ? " unread" : ""}${x[0] === S.openThread ? " on" : ""}" data-omni="thread_${x[0]}" data-thread="${x[0]}">
          <span class="mav">${x[1].split(" ").filter((w) => /^[A-Z]/.test(w)).map((w) => w[0]).slice(0, 2).join("")}</span><div class="tb"><div class="tt"><b>${x[1]}</b><small>${x[4]}</small></div><div class="ts">${x[2]}</div><div class="tp">${x[3]}</div></div></div>`).join("")}</div>
      <div class="conv"><div class="convh"><div><h2>${t[2]}</h2><span class="muted">${t[1]} · Riverside Clinic</span></div>
          <div><button class="ibtn" data-omni="star_thread" title="Star"><i class="fa-regular fa-star"></i></button><button class="ibtn" data-omni="archive_thread" title="Archive"><i class="fa-solid fa-box-archive"></i></button>
          <button class="ibtn" data-omni="print_thread" title="Print"><i class="fa-solid fa-print"></i></button></div></div>
        <div class="bubbles"><div class="bub them"><b>Dr. Priya Shah</b><p>Hi Alex, your results from Nov 24 are in. Your LDL cholesterol dropped from 162 to 118 mg/dL. Your A1c is 6.1%, which is in the prediabetes range, so let's keep an eye on it.</p><small>Nov 29, 10:42 AM</small></div>
          <div class="bub me"><b>You</b><p>Thank you! Should I keep taking atorvastatin at the same dose?</p><small>Nov 29, 11:05 AM</small></div>
          <div class="bub them"><b>Dr. Priya Shah</b><p>Yes, continue 20 mg every evening. We'll recheck in 6 months. Keep up the walking!</p><small>Nov 29, 11:30 AM</small></div></div>
        <div class="reply"><textarea data-omni="reply_input" id="reply" placeholder="Write a reply to Dr. Priya Shah… (Ctrl+Enter to send)"></textarea>
          <div class="rrow"><button class="ibtn" data-omni="attach_file" title="Attach"><i class="fa-solid fa-paperclip"></i></button><span class="muted small" id="attachnote">Attach photos or documents (max 10 MB)</span>
          <button class="primary" data-omni="send_reply"><i class="fa-solid fa-paper-plane"></i> Send</button></div></div></div></div></div>`;
  }

  // ---------- medications ----------
  function medications() {
    app.innerHTML = `<div class="page"><h1>Medications</h1><p class="sub">Select the prescriptions to refill, then choose a pharmacy.</p>
      <div class="mgrid"><div>
        <table class="meds"><thead><tr><th></th><th>Medication</th><th>Directions</th><th>Refills left</th><th>Last filled</th><th>Reminder</th></tr></thead><tbody>
        ${MEDS.map((m) => `<tr data-omni="med_${m[0]}" data-med="${m[0]}"><td><span class="cb" data-omni="select_${m[0]}" data-sel="${m[0]}"><i class="fa-solid fa-check"></i></span></td>
          <td><i class="fa-solid ${m[5]} micon"></i><b>${m[1]}</b></td><td>${m[2]}</td><td>${m[3] === 0 ? '<span class="warnpill">0 — renewal needed</span>' : m[3]}</td><td>${m[4]}</td>
          <td><label class="tog${S.medReminders[m[0]] ? " on" : ""}" data-omni="reminder_${m[0]}" data-rem="${m[0]}"><span class="sw"></span></label></td></tr>`).join("")}</tbody></table>
        <h3>Daily reminder time</h3>
        <div class="rwrap"><div class="rtrack" data-omni="reminder_time_track" id="rtrack"><div class="rfill" id="rfill"></div><div class="rthumb" data-omni="reminder_time_thumb" id="rthumb"></div></div>
          <div class="rticks">${[6, 8, 10, 12, 14, 16, 18, 20, 22].map((h) => `<span data-omni="reminder_${h > 12 ? h - 12 + "pm" : h === 12 ? "12pm" : h + "am"}" data-hour="${h}">${h > 12 ? h - 12 + " PM" : h === 12 ? "12 PM" : h + " AM"}</span>`).join("")}</div>
          <p class="muted">Reminders are sent by text to (555) 201-4479 at <b id="rtime">8:00 AM</b>.</p></div>
      </div><div class="card">
        <h3>Pharmacy</h3>${[["riverside", "Riverside Pharmacy", "410 River St · open until 9 PM"], ["walgreens", "Walgreens #0452", "1200 Main St · open 24 hours"], ["mail", "CareBridge Mail Order", "90-day supply delivered in 5–7 days"]].map(([k, n, d]) =>
        `<div class="pharm${S.refill.pharmacy === k ? " on" : ""}" data-omni="pharmacy_${k}" data-ph="${k}"><span class="rdot"></span><div><b>${n}</b><small>${d}</small></div></div>`).join("")}
        <h3>Pickup or delivery</h3><div class="vtype">${[["pickup", "fa-store", "Pickup"], ["delivery", "fa-truck", "Home delivery"]].map(([k, ic, t]) => `<button class="vt${S.refill.delivery === k ? " on" : ""}" data-omni="${k}_option" data-del="${k}"><i class="fa-solid ${ic}"></i>${t}</button>`).join("")}</div>
        <h3>Note to pharmacist <span class="muted small">(optional)</span></h3><textarea data-omni="pharmacy_note" id="pnote" placeholder="e.g. Please use easy-open caps"></textarea>
        <div class="summary" id="rsummary">No medications selected.</div>
        <button class="primary big" data-omni="submit_refill"><i class="fa-solid fa-paper-plane"></i> Request refills</button></div></div></div>`;
    setReminder(8);
  }
  function setReminder(h) {
    S.reminderTime = h;
    const f = (h - 6) / 16 * 100;
    document.getElementById("rthumb").style.left = f + "%"; document.getElementById("rfill").style.width = f + "%";
    document.getElementById("rtime").textContent = (h > 12 ? h - 12 : h) + ":00 " + (h >= 12 ? "PM" : "AM");
  }

  // ---------- results ----------
  function results() {
    const pts = [["Nov 2024", 171], ["Feb 2025", 165], ["May 2025", 162], ["Aug 2025", 149], ["Feb 2026", 131], ["Nov 2026", 118]];
    const comps = [["Total cholesterol", "186 mg/dL", "< 200", 0.62, false], ["LDL cholesterol", "118 mg/dL", "< 100", 0.72, true], ["HDL cholesterol", "52 mg/dL", "> 40", 0.5, false], ["Triglycerides", "140 mg/dL", "< 150", 0.66, false]];
    app.innerHTML = `<div class="page"><h1>Test results</h1>
      <div class="rgrid"><div class="rlist" data-omni-static="results_list" id="rlist">${RESULTS.map((r) => `<div class="ritem${r[0] === S.result ? " on" : ""}" data-omni="result_${r[0]}" data-result="${r[0]}"><i class="fa-solid ${r[5]}"></i><div><b>${r[1]}</b><small>${r[2]} · ${r[3]}</small></div>${r[4] ? '<span class="new">New</span>' : ""}</div>`).join("")}</div>
      <div class="card rdetail"><div class="ch"><div><h2>Lipid Panel</h2><span class="muted">Collected Nov 24, 2026 · Resulted Nov 25, 2026 · Ordered by Dr. Priya Shah</span></div>
          <div class="racts"><button class="sbtn ghost" data-omni="download_pdf"><i class="fa-solid fa-download"></i> PDF</button><button class="sbtn ghost" data-omni="share_result"><i class="fa-solid fa-share-nodes"></i> Share</button>
          <button class="sbtn" data-omni="ask_about_result"><i class="fa-regular fa-comment-dots"></i> Ask a question</button></div></div>
        <div class="note"><i class="fa-solid fa-user-doctor"></i> <b>Dr. Shah's note:</b> Great improvement. LDL is close to goal; continue atorvastatin and the walking routine.</div>
        <table class="comps">${comps.map(([n, v, r, f, hi]) => `<tr><td><b>${n}</b></td><td class="${hi ? "hi" : ""}">${v}${hi ? ' <i class="fa-solid fa-arrow-up"></i> High' : ""}</td><td class="muted">Normal ${r}</td>
          <td><div class="range"><span style="left:${f * 100}%" class="${hi ? "hi" : ""}"></span></div></td></tr>`).join("")}</table>
        <h3>LDL cholesterol over time</h3>
        <div class="chart"><svg width="640" height="150">${[30, 78, 126].map((y) => `<line x1="40" x2="630" y1="${y}" y2="${y}" stroke="#e5e9ef"/>`).join("")}
          <polyline fill="none" stroke="#0f766e" stroke-width="3" points="${pts.map((p, i) => `${60 + i * 110},${150 - (p[1] - 80) * 1.2}`).join(" ")}"/>
          ${[180, 140, 100].map((v, i) => `<text x="4" y="${[34, 82, 130][i]}" font-size="11" fill="#64748b">${v}</text>`).join("")}</svg>
          ${pts.map((p, i) => `<span class="pt" data-omni="ldl_point_${i + 1}" data-pt="${i + 1}" style="left:${60 + i * 110 - 9}px;top:${150 - (p[1] - 80) * 1.2 - 9}px"></span>`).join("")}
          <div class="ptip" id="ptip"></div>
          <div class="xl">${pts.map((p) => `<span>${p[0]}</span>`).join("")}</div></div>
        <h3>All lipid results</h3>
        <div class="trend" data-omni="history_table" id="trend"><table><tr><th>Component</th>${["Nov 2026", "Feb 2026", "Aug 2025", "May 2025", "Feb 2025", "Nov 2024", "Aug 2024", "May 2024", "Feb 2024", "Nov 2023"].map((d) => `<th>${d}</th>`).join("")}</tr>
          ${[["Total", 186, 199, 214, 226, 229, 233, 230, 228, 235, 241], ["LDL", 118, 131, 149, 162, 165, 171, 168, 166, 170, 176], ["HDL", 52, 50, 48, 47, 47, 45, 46, 44, 45, 43], ["Trig.", 140, 151, 166, 171, 176, 180, 178, 185, 190, 197]].map((r) => `<tr><td><b>${r[0]}</b></td>${r.slice(1).map((v) => `<td>${v}</td>`).join("")}</tr>`).join("")}</table></div>
      </div></div></div>`;
  }

  const RENDER = {dashboard, booking, messages, medications, results};
  (RENDER[SCREEN] || dashboard)();

  // ---------- interactions ----------
  const ctx = document.getElementById("ctxmenu");
  function toggleIn(arr, v) { const i = arr.indexOf(v); if (i >= 0) arr.splice(i, 1); else arr.push(v); return i < 0; }
  function refillSummary() {
    const r = document.getElementById("rsummary");
    if (r) r.textContent = S.refill.selected.length ? `${S.refill.selected.length} medication${S.refill.selected.length > 1 ? "s" : ""} selected.` : "No medications selected.";
  }
  function sendReply() {
    const box = document.getElementById("reply"); const t = box.value.trim();
    if (!t) return;
    S.sent.push({thread: S.openThread, text: t, attached: S.attached});
    const b = document.createElement("div"); b.className = "bub me"; b.innerHTML = `<b>You</b><p>${esc(t)}</p><small>Just now</small>`;
    document.querySelector(".bubbles").appendChild(b); box.value = "";
  }
  function handle(label, el) {
    let m;
    if ((m = label.match(/^nav_(\w+)$/))) { S.view = m[1]; return; }
    if (label === "sign_out") { S.view = "signed_out"; return; }
    if (label === "notifications_button") { S.notificationsOpen = !S.notificationsOpen; return; }
    if (label === "profile_menu" || label === "switch_account") { S.view = label; return; }
    // dashboard
    if ((m = label.match(/^checkin_appt_(\d)$/))) { toggleIn(S.checkedIn, "appt_" + m[1]); document.getElementById("astatus_" + m[1]).textContent = "eCheck-In complete"; return; }
    if ((m = label.match(/^cancel_appt_(\d)$/))) { S.appointments["appt_" + m[1]] = "cancelled"; document.getElementById("astatus_" + m[1]).textContent = "Cancelled"; el.closest(".appt").classList.add("cancelled"); return; }
    if ((m = label.match(/^reschedule_appt_(\d)$/))) { S.appointments["appt_" + m[1]] = "rescheduling"; S.view = "booking"; return; }
    if ((m = label.match(/^calendar_appt_(\d)$/))) { S.calendarExport = "appt_" + m[1]; return; }
    if ((m = label.match(/^test_video_appt_(\d)$/))) { S.videoTest = "appt_" + m[1]; return; }
    if (el.dataset.refill) { toggleIn(S.refill.selected, el.dataset.refill); el.classList.toggle("on"); el.textContent = el.classList.contains("on") ? "Requested" : (el.classList.contains("warn") ? "Renew" : "Refill"); return; }
    if (el.dataset.thread && !label.startsWith("thread_")) { S.view = "messages"; S.openThread = el.dataset.thread; return; }
    if (el.dataset.result && label.startsWith("result_preview_")) { S.view = "results"; S.result = el.dataset.result; return; }
    if (label === "schedule_flu_shot") { S.view = "booking"; S.booking.reason = "Flu vaccine"; return; }
    if (label === "remind_eye_exam") { toggleIn(S.reminders, "eye_exam"); el.textContent = "Reminder set"; return; }
    if (label === "log_blood_pressure") { S.view = "log_bp"; return; }
    if (label === "pay_now" || label === "quick_pay") { S.view = "pay"; return; }
    if (label === "quick_book") { S.view = "booking"; return; }
    if (label === "quick_message" || label === "new_message") { S.composing = true; if (label === "quick_message") S.view = "messages"; return; }
    if (label === "quick_refill") { S.view = "medications"; return; }
    // booking
    if (el.dataset.spec) { S.booking.specialty = el.dataset.spec; document.querySelectorAll(".spec").forEach((s) => s.classList.toggle("on", s === el)); return; }
    if (label === "video_only_toggle") { S.booking.videoOnly = !S.booking.videoOnly; el.classList.toggle("on", S.booking.videoOnly); return; }
    if (el.dataset.doc) { S.booking.doctor = el.dataset.doc; document.querySelectorAll(".doc").forEach((d) => { d.classList.toggle("on", d === el); d.querySelector(".pick").textContent = d === el ? "Selected" : "Select"; }); renderSlots(); return; }
    if (el.dataset.date) { S.booking.date = +el.dataset.date; if (S.booking.time && !slotFree(S.booking.date, TIMES.indexOf(S.booking.time))) S.booking.time = null; renderSlots(); return; }
    if (el.dataset.time) { if (S.booking.date && !slotFree(S.booking.date, +el.dataset.i)) return; S.booking.time = el.dataset.time; renderSlots(); return; }
    if (label === "dates_next" || label === "dates_prev") { document.getElementById("dates").scrollLeft += label === "dates_next" ? 300 : -300; return; }
    if (el.dataset.vt) { S.booking.visitType = el.dataset.vt; document.querySelectorAll("[data-vt]").forEach((v) => v.classList.toggle("on", v === el)); return; }
    if (el.dataset.pain) { setPain(+el.dataset.pain); return; }
    if (label === "confirm_booking") {
      const b = S.booking;
      if (b.doctor && b.date && b.time) { S.booked = JSON.parse(JSON.stringify(b)); document.getElementById("bsummary").innerHTML = `<i class="fa-solid fa-circle-check"></i> Booked! Confirmation #CB-${1000 + b.date * 10 + TIMES.indexOf(b.time)}`; document.getElementById("bsummary").classList.add("ok"); }
      else document.getElementById("bsummary").innerHTML = '<span class="errtxt"><i class="fa-solid fa-triangle-exclamation"></i> Choose a doctor, a date and a time first.</span>';
      return;
    }
    // messages
    if (label.startsWith("thread_") && el.dataset.thread) { S.openThread = el.dataset.thread;
      const th = THREADS.find((x) => x[0] === S.openThread);
      document.querySelector(".convh h2").textContent = th[2]; document.querySelector(".convh .muted").textContent = th[1];
      document.getElementById("reply").placeholder = "Write a reply to " + th[1] + "… (Ctrl+Enter to send)";
      document.querySelector(".bubbles").innerHTML = `<div class="bub them"><b>${th[1]}</b><p>${th[3]}</p><small>${th[4]}</small></div>`; document.querySelectorAll(".thread").forEach((t) => t.classList.toggle("on", t === el)); el.classList.remove("unread"); return; }
    if (el.dataset.folder) { S.folder = el.dataset.folder; document.querySelectorAll(".folder").forEach((f) => f.classList.toggle("on", f === el)); return; }
    if (label === "star_thread") { toggleIn(S.starred, S.openThread); el.innerHTML = `<i class="fa-${S.starred.includes(S.openThread) ? "solid" : "regular"} fa-star"></i>`; return; }
    if (label === "archive_thread") { toggleIn(S.archived, S.openThread); return; }
    if (label === "print_thread") { S.printed = true; return; }
    if (label === "attach_file") { S.attached = true; document.getElementById("attachnote").innerHTML = '<i class="fa-solid fa-file-image"></i> shoulder_photo.jpg (1.4 MB)'; return; }
    if (label === "send_reply") { sendReply(); return; }
    // medications
    if (el.dataset.sel) { const on = toggleIn(S.refill.selected, el.dataset.sel); el.classList.toggle("on", on); el.closest("tr").classList.toggle("sel", on); refillSummary(); return; }
    if (el.dataset.rem) { const k = el.dataset.rem; S.medReminders[k] = !S.medReminders[k]; el.classList.toggle("on", S.medReminders[k]); return; }
    if (el.dataset.hour) { setReminder(+el.dataset.hour); return; }
    if (el.dataset.ph) { S.refill.pharmacy = el.dataset.ph; document.querySelectorAll(".pharm").forEach((p) => p.classList.toggle("on", p === el)); return; }
    if (el.dataset.del) { S.refill.delivery = el.dataset.del; document.querySelectorAll("[data-del]").forEach((p) => p.classList.toggle("on", p === el)); return; }
    if (label === "submit_refill") {
      if (!S.refill.selected.length) { document.getElementById("rsummary").innerHTML = '<span class="errtxt">Select at least one medication.</span>'; return; }
      S.refill.submitted = {meds: S.refill.selected.slice().sort(), pharmacy: S.refill.pharmacy, delivery: S.refill.delivery, note: S.refill.note};
      document.getElementById("rsummary").innerHTML = '<i class="fa-solid fa-circle-check"></i> Refill request sent. We will text you when it is ready.'; return;
    }
    // results
    if (label.startsWith("result_") && el.dataset.result) { S.result = el.dataset.result; document.querySelectorAll(".ritem").forEach((r) => r.classList.toggle("on", r === el)); return; }
    if (label === "download_pdf") { toggleIn(S.downloaded, S.result); return; }
    if (label === "share_result") { toggleIn(S.shared, S.result); return; }
    if (label === "ask_about_result") { S.asked = true; S.composing = true; return; }
  }

  document.addEventListener("click", (e) => {
    if (!ctx.hidden && !ctx.contains(e.target)) { ctx.hidden = true; S.contextMenu = null; }
    const el = e.target.closest("[data-omni]");
    if (!el || el.tagName === "INPUT" || el.tagName === "TEXTAREA") return;
    handle(el.dataset.omni, el);
  });
  document.addEventListener("dblclick", (e) => {
    const th = e.target.closest(".thread");
    if (th) { S.popout = th.dataset.thread; return; }
    const r = e.target.closest(".ritem,.rprev");
    if (r) { S.report = r.dataset.result; const p = document.createElement("div"); p.className = "modal"; p.innerHTML = `<div class="mbox"><div class="mh"><b>Full report</b><i class="fa-solid fa-xmark"></i></div><div class="mb"><i class="fa-solid fa-file-medical"></i><p>${RESULTS.find((x) => x[0] === S.report)[1]}</p></div></div>`; document.body.appendChild(p); }
  });
  document.addEventListener("contextmenu", (e) => {
    e.preventDefault();
    // Only the row itself opens its menu: a right-click on one of its buttons is a right-click on that button.
    const el = e.target.closest("[data-omni]");
    if (!el || !el.matches(".thread,.appt,.ritem")) return;
    S.contextMenu = el.dataset.omni;
    const items = el.classList.contains("thread") ? ["Open in new window", "Mark as unread", "Star", "Archive", "Delete"] : el.classList.contains("appt") ? ["Add to calendar", "Get directions", "Reschedule", "Cancel"] : ["Open", "Download PDF", "Share", "Ask a question"];
    ctx.innerHTML = items.map((t) => `<div class="ci">${t}</div>`).join("");
    ctx.style.left = e.clientX + "px"; ctx.style.top = e.clientY + "px"; ctx.hidden = false;
  });
  document.addEventListener("mouseover", (e) => {
    const tip = e.target.closest("[data-tip],[data-pt]");
    S.tooltip = tip ? (tip.dataset.tip || "ldl_" + tip.dataset.pt) : null;
    const pt = document.getElementById("ptip");
    if (pt) {
      if (tip && tip.dataset.pt) { const vals = [171, 165, 162, 149, 131, 118], dates = ["Nov 2024", "Feb 2025", "May 2025", "Aug 2025", "Feb 2026", "Nov 2026"]; const i = tip.dataset.pt - 1;
        pt.innerHTML = `<b>${vals[i]} mg/dL</b><br>${dates[i]}`; pt.style.left = (parseFloat(tip.style.left) + 20) + "px"; pt.style.top = (parseFloat(tip.style.top) - 10) + "px"; pt.style.display = "block"; }
      else pt.style.display = "none";
    }
    document.querySelectorAll(".doc .info").forEach((i) => i.classList.toggle("show", i === tip));
  });
  let drag = null;
  document.addEventListener("mousedown", (e) => {
    if (e.button !== 0) return;
    if (e.target.closest("#pthumb,#ptrack")) { drag = "pain"; e.preventDefault(); }
    else if (e.target.closest("#rthumb,#rtrack")) { drag = "rem"; e.preventDefault(); }
  });
  function dragAt(x) {
    if (drag === "pain") { const b = document.getElementById("ptrack").getBoundingClientRect(); setPain(Math.round(Math.min(1, Math.max(0, (x - b.left) / b.width)) * 10)); }
    if (drag === "rem") { const b = document.getElementById("rtrack").getBoundingClientRect(); setReminder(6 + 2 * Math.round(Math.min(1, Math.max(0, (x - b.left) / b.width)) * 8)); }
  }
  document.addEventListener("mousemove", (e) => { if (drag) dragAt(e.clientX); });
  document.addEventListener("mouseup", (e) => { if (drag) { dragAt(e.clientX); drag = null; } });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") { document.getElementById("search_input").focus(); e.preventDefault(); return; }
    if (t.id === "search_input" && e.key === "Enter") { S.search.submitted = t.value.trim(); S.view = "search"; e.preventDefault(); return; }
    if (t.id === "reply" && e.key === "Enter" && (e.ctrlKey || e.metaKey)) { sendReply(); e.preventDefault(); return; }
    if (e.key === "Escape") { ctx.hidden = true; S.contextMenu = null; const m = document.querySelector(".modal"); if (m) { m.remove(); S.report = null; } }
  });
  document.addEventListener("input", (e) => {
    const t = e.target;
    if (t.id === "search_input") S.search.text = t.value;
    if (t.id === "reason") S.booking.reason = t.value;
    if (t.id === "pnote") S.refill.note = t.value;
  });
  window.addEventListener("scroll", () => { S.scroll.page = Math.round(window.scrollY); }, {passive: true});
  [["threads", "threads", "top"], ["dates", "dates", "left"], ["trend", "trend", "left"]].forEach(([id, k, dir]) => {
    const el = document.getElementById(id);
    if (el) el.addEventListener("scroll", () => { S.scroll[k] = Math.round(dir === "top" ? el.scrollTop : el.scrollLeft); }, {passive: true});
  });
  if (SCREEN === "booking") setPain(0);
  window.omni.ready = true;
})();
