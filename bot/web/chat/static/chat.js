/* Loa web chat. Plain ES5 and XMLHttpRequest so old phone browsers work; without it the form still posts. */
(function () {
  "use strict";
  var form = document.getElementById("ask");
  var input = document.getElementById("text");
  var send = document.getElementById("send");
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var user = document.getElementById("user").value;
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
    box.scrollIntoView(false);
    return box;
  }

  function show(reply) {
    var box = say("Loa", "bot", reply.blocks && reply.blocks.length ? reply.blocks : [reply.text]);
    if (reply.citations && reply.citations.length) {
      var list = element("ul", "cite");
      list.setAttribute("aria-label", "Căn cứ");
      for (var i = 0; i < reply.citations.length; i++) {
        var c = reply.citations[i];
        list.appendChild(element("li", "", (c.locator ? c.locator + " " : "") + c.document));
      }
      box.appendChild(list);
    }
    if (reply.buttons && reply.buttons.length) {
      var choices = element("div", "choices");
      for (var j = 0; j < reply.buttons.length; j++) {
        choices.appendChild(choice(reply.buttons[j]));
      }
      box.appendChild(choices);
    }
  }

  function choice(button) {
    var node = element("button", "", button.label);
    node.type = "button";
    node.onclick = function () { ask({ user: user, callback: button.payload }, button.label); };
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
    input.focus();
  }

  form.onsubmit = function (event) {
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (event && event.preventDefault) { event.preventDefault(); }
    if (!text) { return false; }
    input.value = "";
    ask({ user: user, text: text }, text);
    return false;
  };
}());
