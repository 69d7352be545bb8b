/* Loa web chat. Plain ES5 and XMLHttpRequest so old phone browsers work; without it the form still posts. */
(function () {
  "use strict";
  var form = document.getElementById("ask");
  var input = document.getElementById("text");
  var send = document.getElementById("send");
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var user = document.getElementById("user").value;
  var POLL_MS = 10000;
  try {
    user = window.localStorage.getItem("loa-user") || user;
    window.localStorage.setItem("loa-user", user);
  } catch (e) { /* private mode: keep the page's id */ }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function say(who, className, lines) {
    var box = element("div", "msg " + className);
    box.appendChild(element("span", "who", who + ": "));
    for (var i = 0; i < lines.length; i++) { box.appendChild(element("p", "", lines[i])); }
    log.appendChild(box);
    return box;
  }

  /* Bring the end of a reply, buttons included, just above the sticky question box (not under it). */
  function reveal(box) {
    var bottom = box.getBoundingClientRect().bottom;
    var limit = form.getBoundingClientRect().top - 8;
    if (form.getBoundingClientRect().top >= window.innerHeight) { limit = window.innerHeight - 8; }
    if (bottom > limit) { window.scrollBy(0, bottom - limit); }
  }

  function show(reply) {
    var box = say("Loa", "bot", reply.blocks && reply.blocks.length ? reply.blocks : [reply.text]);
    addCitations(box, reply.citations);
    if (reply.buttons && reply.buttons.length) {
      var choices = element("div", "choices");
      for (var j = 0; j < reply.buttons.length; j++) {
        choices.appendChild(choice(reply.buttons[j]));
      }
      box.appendChild(choices);
    }
    reveal(box);
  }

  function addCitations(box, citations) {
    if (!citations || !citations.length) { return; }
    var list = element("ul", "cite");
    list.setAttribute("aria-label", "Căn cứ");
    for (var i = 0; i < citations.length; i++) {
      var c = citations[i];
      list.appendChild(element("li", "", (c.locator ? c.locator + " " : "") + c.document));
    }
    box.appendChild(list);
  }

  function get(url, onData) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.timeout = 20000;
    request.onload = function () {
      var data = null;
      if (request.status === 200) { try { data = JSON.parse(request.responseText); } catch (e) { data = null; } }
      if (data) { onData(data); }
    };
    request.send();
  }

  function showEntries(entries) {
    var last = null;
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (entry.who === "user") { last = say("Bạn", "user", [entry.text]); }
      else if (entry.who === "officer") { last = say("Cán bộ", "officer", [entry.text]); }
      else { last = say("Loa", "bot", [entry.text]); addCitations(last, entry.citations); }
    }
    return last;
  }

  /* An officer's reply arrives in the open page: poll for replies newer than the last one shown. */
  var lastOfficerReply = 0;
  function poll() {
    get("/chat/updates?user=" + encodeURIComponent(user) + "&after=" + lastOfficerReply, function (data) {
      if (data.entries && data.entries.length) { reveal(showEntries(data.entries)); }
      lastOfficerReply = data.last_officer_reply || lastOfficerReply;
    });
  }

  function restore() {
    get("/chat/history?user=" + encodeURIComponent(user), function (data) {
      if (data.entries && data.entries.length) {
        var last = showEntries(data.entries);
        if (last) { last.scrollIntoView(false); reveal(last); }
      }
      lastOfficerReply = data.last_officer_reply || 0;
      window.setInterval(poll, POLL_MS);
    });
  }

  /* Emoji alone are blank on phones without an emoji font: a word beside them. */
  var RATING_WORDS = { "👍": "Hữu ích", "👎": "Chưa hữu ích" };

  function choice(button) {
    var word = RATING_WORDS[button.label];
    var label = word ? button.label + " " + word : button.label;
    var node = element("button", word ? "rating" : "", label);
    node.type = "button";
    if (word) { node.setAttribute("aria-pressed", "false"); }
    node.onclick = function () {
      if (word) {  /* one rating per answer: the pressed one shows, pressing the other changes it */
        var siblings = node.parentNode.querySelectorAll("button.rating");
        for (var i = 0; i < siblings.length; i++) { siblings[i].setAttribute("aria-pressed", "false"); }
        node.setAttribute("aria-pressed", "true");
      }
      ask({ user: user, callback: button.payload }, label);
    };
    return node;
  }

  function ask(body, shown) {
    say("Bạn", "user", [shown]);
    send.disabled = true;
    status.textContent = "Loa đang trả lời…";
    var request = new XMLHttpRequest();
    request.open("POST", "/chat/ask");
    request.setRequestHeader("Content-Type", "application/json");
    request.timeout = 30000;
    request.onload = function () {
      var reply = null;
      try { reply = JSON.parse(request.responseText); } catch (e) { reply = null; }
      if (reply && reply.text) { show(reply); } else { say("Loa", "bot", ["Xin lỗi, Loa gặp sự cố. Bạn vui lòng thử lại sau ít phút."]); }
      done();
    };
    request.onerror = request.ontimeout = function () {
      say("Loa", "bot", ["Không kết nối được với Loa. Bạn kiểm tra mạng rồi thử lại nhé."]);
      done();
    };
    request.send(JSON.stringify(body));
  }

  function done() {
    send.disabled = false;
    status.textContent = "";
  }

  var starters = document.querySelectorAll(".greeting .choices button");
  for (var k = 0; k < starters.length; k++) {
    starters[k].onclick = (function (button) {
      return function (event) {
        if (event && event.preventDefault) { event.preventDefault(); }
        if (button.name === "callback") { ask({ user: user, callback: button.value }, button.textContent); }
        else { ask({ user: user, text: button.value }, button.value); }
        return false;
      };
    }(starters[k]));
  }
  document.getElementById("user").value = user;
  restore();

  form.onsubmit = function (event) {
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (event && event.preventDefault) { event.preventDefault(); }
    if (!text) { return false; }
    input.value = "";
    ask({ user: user, text: text }, text);
    return false;
  };
}());
