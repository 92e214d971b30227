// The path type-ahead: a progressive enhancement over <select data-picker> (units, categories),
// whose options are labelled with a path ("蔡甸区 / 民政局 / 婚姻登记服务中心"). Typing any part of the path
// (several parts, separated by spaces or "/") lists the matching units; arrows move, Enter or a
// click chooses, Escape closes. The select stays in the form (hidden) and carries the value, so
// what is sent is what it would send without JavaScript. ARIA 1.2 combobox with a listbox.
(function () {
  "use strict";
  var MAX_SHOWN = 50;
  var counter = 0;

  function words(text) {
    return text.toLowerCase().split(/[\s\/／·]+/).filter(function (w) { return w.length > 0; });
  }

  function enhance(select) {
    if (select.multiple || select.getAttribute("data-picker-ready")) return;
    select.setAttribute("data-picker-ready", "true");
    var n = ++counter;
    var choices = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; })
      .map(function (o) { return { value: o.value, label: o.textContent.trim(), hay: o.textContent.toLowerCase() }; });
    var blank = Array.prototype.find.call(select.options, function (o) { return o.value === ""; });

    var box = document.createElement("div");
    box.className = "picker";
    var input = document.createElement("input");
    input.type = "text";
    input.id = select.id + "-combo";
    input.className = "picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("data-picker-for", select.name);
    var list = document.createElement("ul");
    list.id = "picker-list-" + n;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    if (blank) input.placeholder = blank.textContent.trim();
    ["aria-describedby", "aria-invalid", "required"].forEach(function (a) {
      if (select.hasAttribute(a)) input.setAttribute(a, select.getAttribute(a));
    });
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.htmlFor = input.id;
      if (!label.id) label.id = select.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    box.appendChild(input);
    box.appendChild(list);
    select.parentNode.insertBefore(box, select);
    // Out of sight and out of the tab order, but still in the form (and still settable by a
    // script or a test; the text follows it).
    select.classList.add("picker-source");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.addEventListener("change", function () { input.value = current(); });

    var shown = [];
    var active = -1;

    function current() {
      var o = select.options[select.selectedIndex];
      return o && o.value !== "" ? o.textContent.trim() : "";
    }
    input.value = current();

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(i) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && items[i]) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render() {
      var q = words(input.value);
      shown = choices.filter(function (c) {
        return q.every(function (w) { return c.hay.indexOf(w) >= 0; });
      });
      list.textContent = "";
      shown.slice(0, MAX_SHOWN).forEach(function (c, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", c.value);
        li.textContent = c.label;
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(c); });
        list.appendChild(li);
      });
      if (shown.length > MAX_SHOWN) {
        var more = document.createElement("li");
        more.className = "picker-more";
        more.setAttribute("role", "presentation");
        more.textContent = "… " + (shown.length - MAX_SHOWN);
        list.appendChild(more);
      }
      var open = shown.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      mark(open ? 0 : -1);
    }

    function choose(c) {
      var before = select.value;
      select.value = c ? c.value : "";
      input.value = c ? c.label : "";
      close();
      if (select.value !== before) select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", function () {
      if (input.value.trim() === "" && blank) {
        select.value = "";
      }
      render();
    });
    input.addEventListener("focus", function () { if (input.value === "") render(); });
    input.addEventListener("keydown", function (ev) {
      var count = Math.min(shown.length, MAX_SHOWN);
      if (ev.key === "ArrowDown") {
        ev.preventDefault();
        if (list.hidden) { render(); return; }
        mark(count ? (active + 1) % count : -1);
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        if (!list.hidden) mark(count ? (active - 1 + count) % count : -1);
      } else if (ev.key === "Enter") {
        if (!list.hidden && active >= 0) {
          ev.preventDefault();
          choose(shown[active]);
        }
      } else if (ev.key === "Escape") {
        if (!list.hidden) { ev.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () {
      close();
      // What was typed and not chosen gives way to the choice in force.
      if (input.value.trim() === "" && blank) {
        if (select.value !== "") choose(null);
      } else {
        input.value = current();
      }
    });
  }

  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
