/* offline.js: the enumerator's form keeps working when the connection drops.
 *
 * A progressive enhancement of the server-rendered form (which works without this file):
 *
 * - every change saves the form's fields in localStorage, a "draft" keyed by user, study and
 *   form UUID; it is restored when the form is opened again (``data-restore``), and removed once
 *   the server holds the answers (the form sent, or the draft saved on the server);
 * - a submission goes first into an "outbox" in localStorage, then is sent with fetch; when the
 *   browser is offline or the request fails on the network, it stays there and a banner says so;
 * - the outbox is sent when the browser comes back online, whenever a page with this file loads,
 *   and with the "Send now" button of the entry home page, which lists what the device keeps. An
 *   item leaves the outbox only when the server's answer is the form's "done" page: the server
 *   stores each UUID once, so sending an item twice (two tabs, an answer lost on the way) is
 *   harmless, and nothing is dropped before it is stored;
 * - a 403 (the CSRF token changed while offline, e.g. after logging in again) fetches a fresh
 *   token from the form's page and retries once;
 * - a form the server refuses (answers to correct) is posted once more the ordinary way, so the
 *   server's page shows the marked answers; in the outbox it waits, "not accepted", until the
 *   enumerator opens and corrects it.
 *
 * The templates pass everything as data- attributes (no inline script: the Content-Security-Policy
 * forbids them): the form carries ``data-offline``, ``data-user``, ``data-study``, ``data-uuid`` and
 * ``data-reopen`` (the address that opens it again under its UUID); the messages, in the page's
 * language, come from the element ``[data-offline-messages]`` (surveys/_offline_messages.html).
 */
(function () {
  "use strict";

  var PREFIX = "ogmonitor:";
  var DRAFT = "draft";
  var OUTBOX = "outbox";
  var TOKEN = "csrfmiddlewaretoken";

  // --- Storage: one localStorage entry per form, "ogmonitor:<kind>:<user>:<study>:<uuid>" -------

  function storage() {
    try {
      return window.localStorage; // null or an exception when the browser refuses storage
    } catch (error) {
      return null;
    }
  }

  function keyOf(kind, user, study, uuid) {
    return PREFIX + [kind, user, study, uuid].join(":");
  }

  function read(key) {
    var store = storage();
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  /** Store ``value``; false when the browser refuses (no storage, quota full). */
  function write(key, value) {
    var store = storage();
    if (!store) return false;
    try {
      store.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  }

  function forget(key) {
    var store = storage();
    if (store) store.removeItem(key);
  }

  /** The stored records of ``kind`` for ``user`` (and ``study``, if given), oldest first. */
  function records(kind, user, study) {
    var store = storage(), found = [];
    if (!store) return found;
    var start = PREFIX + kind + ":" + user + ":" + (study ? study + ":" : "");
    for (var index = 0; index < store.length; index++) {
      var key = store.key(index);
      var record = key && key.indexOf(start) === 0 ? read(key) : null;
      if (record && Array.isArray(record.fields)) {
        record.key = key;
        found.push(record);
      }
    }
    return found.sort(function (a, b) { return a.savedAt < b.savedAt ? -1 : a.savedAt > b.savedAt ? 1 : 0; });
  }

  function messages() {
    var element = document.querySelector("[data-offline-messages]");
    return element ? element.dataset : {};
  }

  function show(banner, text, tone) {
    if (!banner) return;
    banner.textContent = text || "";
    banner.hidden = !text;
    banner.className = "message" + (tone ? " message-" + tone : "");
  }

  // --- The form's fields --------------------------------------------------------------------------

  /** The fields the browser would post (hidden questions are disabled, so left out). */
  function fieldsOf(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") entries.push([name, value]);
    });
    return entries;
  }

  /** The names of the fields that could be posted now: a name among them but not posted was emptied. */
  function namesOf(form) {
    var names = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name && !element.disabled && names.indexOf(element.name) < 0) names.push(element.name);
    });
    return names;
  }

  /** What the lists show for a kept form: its community, when one is chosen. */
  function labelOf(form) {
    var community = form.querySelector("select[name$=community]");
    if (community && community.value && community.selectedIndex >= 0) return community.options[community.selectedIndex].text;
    return "";
  }

  /** Where the form posts (not ``form.action``: the buttons named "action" hide that property). */
  function targetOf(form) {
    return new URL(form.getAttribute("action") || window.location.href, window.location.href).href;
  }

  function recordOf(form) {
    var data = form.dataset;
    return {
      user: data.user, study: data.study, uuid: data.uuid, page: data.reopen, url: targetOf(form),
      label: labelOf(form), savedAt: new Date().toISOString(), names: namesOf(form),
      fields: fieldsOf(form)
    };
  }

  /** Put the kept values back into the form (the server rendered it blank, or older). */
  function restore(form, record) {
    var values = {};
    record.fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    var names = record.names || Object.keys(values);
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || name === TOKEN || name === "uuid" || names.indexOf(name) < 0) return;
      if (element.type === "submit" || element.type === "button" || element.type === "hidden") return;
      var given = values[name] || [];
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = given.indexOf(element.value) >= 0;
      } else if (element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = given.indexOf(option.value) >= 0;
        });
      } else {
        element.value = given.length ? given[0] : "";
      }
    });
    // ogform.js shows the questions the restored answers make relevant.
    form.dispatchEvent(new Event("change", {bubbles: true}));
  }

  // --- Sending ------------------------------------------------------------------------------------

  function pathOf(url) {
    try {
      return new URL(url, window.location.href).pathname;
    } catch (error) {
      return "";
    }
  }

  /** The server stored the form: it answers every submission, new or resent, with its "done" page. */
  function isStored(response, item) {
    return response.redirected && pathOf(response.url).endsWith("/entry/" + item.uuid + "/done/");
  }

  /** A CSRF token from the form's page (any page of a logged-in user has one), or null. */
  function freshToken(item) {
    return fetch(item.page || item.url, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      var input = html ? new DOMParser().parseFromString(html, "text/html").querySelector("input[name=" + TOKEN + "]") : null;
      return input ? input.value : null;
    }, function () {
      return null;
    });
  }

  /**
   * POST one kept submission. Resolves to {outcome, url}: "stored" (url: the done page),
   * "refused" (the server wants answers corrected, or refuses the UUID), "login" (the session
   * ended), "retry" (a server error: later) or "network" (no connection).
   */
  function send(item, retried) {
    return fetch(item.url, {
      method: "POST", body: new URLSearchParams(item.fields), credentials: "same-origin", redirect: "follow"
    }).then(function (response) {
      if (isStored(response, item)) return {outcome: "stored", url: response.url};
      if (response.status === 403 && !retried) {
        return freshToken(item).then(function (token) {
          if (!token) return {outcome: "login"};
          item.fields = item.fields.map(function (pair) { return pair[0] === TOKEN ? [TOKEN, token] : pair; });
          if (read(item.key)) write(item.key, item);
          return send(item, true);
        });
      }
      if (response.redirected || response.status === 401 || response.status === 403) return {outcome: "login"};
      if (response.status >= 500 || response.status === 429) return {outcome: "retry"};
      return {outcome: "refused"}; // the form with its errors, 400 (incomplete form) or 409 (someone else's UUID)
    }, function () {
      return {outcome: "network"};
    });
  }

  /** Record what the server said: a stored form leaves the device, a refused one waits to be corrected. */
  function settle(item, result) {
    if (result.outcome === "stored") {
      forget(item.key);
      forget(keyOf(DRAFT, item.user, item.study, item.uuid));
    } else if (result.outcome === "refused") {
      item.state = "refused";
      write(item.key, item);
    }
  }

  var flushing = null;

  /** Send the user's outbox, one form after the other; resolves to [{item, outcome, url}]. */
  function flush(user) {
    if (flushing) return flushing;
    if (navigator.onLine === false) return Promise.resolve([]);
    var run = function () {
      var pending = records(OUTBOX, user).filter(function (item) { return item.state !== "refused"; });
      var results = [];
      var next = function () {
        var item = pending.shift();
        if (!item) return results;
        if (!read(item.key)) return next(); // sent meanwhile from another tab
        return send(item, false).then(function (result) {
          settle(item, result);
          results.push({item: item, outcome: result.outcome, url: result.url});
          // Without a connection (or a session) the next ones would fail the same way.
          return result.outcome === "network" || result.outcome === "login" ? results : next();
        });
      };
      return Promise.resolve(next());
    };
    // Two tabs of the same user send the outbox in turn (a form sent twice would still be stored once).
    var sending = navigator.locks ? navigator.locks.request("ogmonitor-outbox", run) : run();
    flushing = sending.then(function (results) {
      flushing = null;
      return results;
    }, function () {
      flushing = null;
      return [];
    });
    return flushing;
  }

  /** The message for the worst outcome among ``results`` (a refused form first), or "". */
  function summary(results) {
    var text = messages(), outcomes = results.map(function (result) { return result.outcome; });
    if (outcomes.indexOf("refused") >= 0) return [text.msgRefused, "error"];
    if (outcomes.indexOf("login") >= 0) return [text.msgLogin, "error"];
    if (outcomes.indexOf("retry") >= 0) return [text.msgRetry, ""];
    if (outcomes.indexOf("network") >= 0) return [text.msgKept, ""];
    if (outcomes.length) return [text.msgSent, "success"];
    return ["", ""];
  }

  // --- The entry form -----------------------------------------------------------------------------

  function OfflineForm(form) {
    this.form = form;
    this.data = form.dataset;
    this.banner = form.querySelector("[data-offline-banner]");
    this.draftKey = keyOf(DRAFT, this.data.user, this.data.study, this.data.uuid);
    this.outboxKey = keyOf(OUTBOX, this.data.user, this.data.study, this.data.uuid);
    this.busy = false;
    this.bypass = false;
    if (form.hasAttribute("data-restore")) {
      var kept = read(this.draftKey) || read(this.outboxKey);
      if (kept && Array.isArray(kept.fields)) restore(form, kept);
    }
    var save = this.saveDraft.bind(this);
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    // On the document, so that it runs after ogform.js's check on the form itself.
    document.addEventListener("submit", this.onSubmit.bind(this));
    form.addEventListener("htmx:sendError", this.onDraftNotSent.bind(this));
    form.addEventListener("htmx:afterSettle", this.onDraftSaved.bind(this));
  }

  OfflineForm.prototype.saveDraft = function () {
    var record = recordOf(this.form);
    record.fields = record.fields.filter(function (pair) { return pair[0] !== TOKEN; });
    write(this.draftKey, record);
  };

  OfflineForm.prototype.onDraftNotSent = function () {
    this.saveDraft();
    show(this.banner, messages().msgDraftKept, "");
  };

  OfflineForm.prototype.onDraftSaved = function () {
    var status = this.form.querySelector("#draft-status");
    if (status && status.hasAttribute("data-saved")) forget(this.draftKey); // the server has it now
  };

  OfflineForm.prototype.onSubmit = function (event) {
    if (event.target !== this.form || event.defaultPrevented) return; // ogform.js found answers to correct
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("formnovalidate")) return; // "Save draft"
    if (this.bypass) return; // the server's own page is wanted (see after)
    event.preventDefault();
    if (this.busy) return; // a double tap: the first one is on its way
    var item = recordOf(this.form);
    item.fields.push(["action", "submit"]);
    item.state = "waiting";
    item.key = this.outboxKey;
    if (!write(item.key, item)) {
      this.postAsUsual(submitter); // no storage: the ordinary form post
      return;
    }
    if (navigator.onLine === false) {
      show(this.banner, messages().msgKept, "");
      return;
    }
    var self = this;
    this.busy = true;
    send(item, false).then(function (result) {
      self.busy = false;
      settle(item, result);
      self.after(result.outcome, result.url, submitter || null);
    });
  };

  /**
   * What the page does once its own form has been sent: the confirmation when stored; when
   * refused, the server's page with the marked answers if the enumerator just pressed "Submit"
   * (``submitter`` given), else a message (the outbox was sent in the background).
   */
  OfflineForm.prototype.after = function (outcome, url, submitter) {
    var text = messages();
    if (outcome === "stored") {
      window.location.assign(url);
    } else if (outcome === "refused" && submitter !== undefined) {
      this.postAsUsual(submitter);
    } else if (outcome === "refused") {
      show(this.banner, text.msgRefused, "error");
    } else if (outcome === "login") {
      show(this.banner, text.msgLogin, "error");
    } else if (outcome === "retry") {
      show(this.banner, text.msgRetry, "");
    } else {
      show(this.banner, text.msgKept, "");
    }
  };

  OfflineForm.prototype.postAsUsual = function (submitter) {
    this.bypass = true;
    if (this.form.requestSubmit) this.form.requestSubmit(submitter || undefined);
    else this.form.submit();
  };

  OfflineForm.prototype.update = function (results) {
    var uuid = this.data.uuid;
    var own = results.filter(function (result) { return result.item.uuid === uuid; })[0];
    if (own) this.after(own.outcome, own.url);
  };

  // --- The entry home page: what this device keeps ------------------------------------------------

  function Outbox(section) {
    this.section = section;
    this.user = section.dataset.user;
    this.study = section.dataset.study;
    this.list = section.querySelector("[data-outbox-list]");
    this.banner = section.querySelector("[data-offline-banner]");
    var button = section.querySelector("[data-outbox-send]");
    var self = this;
    if (button) {
      button.addEventListener("click", function () {
        show(self.banner, messages().msgSending, "");
        flush(self.user).then(self.update.bind(self));
      });
    }
    this.render();
  }

  Outbox.prototype.render = function () {
    var text = messages(), list = this.list, self = this;
    var kept = records(OUTBOX, this.user, this.study);
    var sent = kept.map(function (item) { return item.uuid; });
    var drafts = records(DRAFT, this.user, this.study).filter(function (draft) { return sent.indexOf(draft.uuid) < 0; });
    list.textContent = "";
    kept.concat(drafts).forEach(function (record) {
      var isDraft = sent.indexOf(record.uuid) < 0;
      var refused = record.state === "refused";
      var row = document.createElement("li");
      row.dataset.uuid = record.uuid;
      var link = document.createElement("a");
      link.href = record.page;
      link.textContent = record.label || text.msgUntitled || "";
      var badge = document.createElement("span");
      badge.className = "status-badge " + (isDraft ? "status-draft" : refused ? "status-rejected" : "status-submitted");
      badge.textContent = isDraft ? text.msgDraft : refused ? text.msgNotAccepted : text.msgWaiting;
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = (text.msgSaved || "{when}").replace("{when}", self.when(record.savedAt));
      row.append(link, " ", badge, " ", when);
      if (isDraft) {
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link-button";
        discard.textContent = text.msgDiscard || "";
        discard.addEventListener("click", function () {
          if (window.confirm(text.msgConfirmDiscard || "")) {
            forget(record.key);
            self.render();
          }
        });
        row.append(" ", discard);
      }
      list.appendChild(row);
    });
    this.section.hidden = !list.children.length && this.banner.hidden;
  };

  Outbox.prototype.when = function (iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    try {
      return date.toLocaleString(document.documentElement.lang || undefined, {dateStyle: "short", timeStyle: "short"});
    } catch (error) {
      return date.toLocaleString();
    }
  };

  Outbox.prototype.update = function (results) {
    var message = summary(results);
    show(this.banner, message[0], message[1]);
    this.render();
  };

  // --- Start --------------------------------------------------------------------------------------

  function start() {
    var views = [], user = null;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), function (form) {
      if (!form.offline) form.offline = new OfflineForm(form);
      views.push(form.offline);
      user = user || form.dataset.user;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-outbox]"), function (section) {
      views.push(new Outbox(section));
      user = user || section.dataset.user;
    });
    if (!user || !storage()) return;
    var sendKept = function () {
      flush(user).then(function (results) {
        if (!results.length) return;
        views.forEach(function (view) { view.update(results); });
      });
    };
    window.addEventListener("online", sendKept);
    sendKept();
  }

  window.ogoffline = {flush: flush, start: start};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
