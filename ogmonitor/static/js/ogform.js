/* ogform.js: live relevance, constraints and required checks for ogmonitor's data-entry form.
 *
 * No framework. The server renders every question inside an element with ``data-q`` and
 * ``data-name``; a question or group with an XLSForm ``relevant`` carries it as
 * ``data-relevant`` and a ``constraint`` as ``data-constraint``, both as the JSON tree of
 * ogmonitor/surveys/expressions.py (``to_json``). This file evaluates those trees with the same
 * rules as the server's ``evaluate`` (an unanswered or hidden question is '', two values that
 * both look like numbers compare as numbers, a multiple choice is its names joined by spaces),
 * so what the enumerator sees matches what the server accepts. The server re-checks everything:
 * this file only spares a round trip on a slow connection.
 *
 * Hidden questions have their inputs disabled, so the browser does not send them.
 */
(function () {
  "use strict";

  var NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/;

  // --- Values as XPath sees them (mirrors expressions._plain/_names/_text/_number) ---------------

  function plain(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join(" ");
    return value;
  }

  function names(value) {
    if (value === null || value === undefined || value === "") return [];
    if (Array.isArray(value)) return value.map(String);
    return String(value).split(/\s+/).filter(Boolean);
  }

  function text(value) {
    if (typeof value === "boolean") return value ? "true" : "false";
    return String(value);
  }

  function number(value) {
    if (typeof value === "boolean") return null;
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value === "string" && NUMERIC.test(value)) return parseFloat(value);
    return null;
  }

  function compare(op, left, right) {
    var a = number(left), b = number(right);
    if (a === null || b === null) {
      a = text(left);
      b = text(right);
      // XPath: an empty or non-numeric text is NaN, and NaN < x is false.
      if (op !== "=" && op !== "!=" && !(a && b)) return false;
    }
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return false;
  }

  function truth(value) {
    if (typeof value === "boolean") return value;
    var n = number(value);
    if (n !== null) return n !== 0;
    return text(value) !== "";
  }

  function operand(o, ctx) {
    if ("field" in o) return plain(ctx.value(o.field));
    if ("self" in o) return plain(ctx.current());
    if ("const" in o) return o["const"];
    if ("count_selected" in o) return names(ctx.value(o.count_selected)).length;
    if ("string_length" in o) return text(operand(o.string_length, ctx)).length;
    if ("regex" in o) {
      try {
        return new RegExp(o.regex[1], "u").test(text(operand(o.regex[0], ctx)));
      } catch (error) {
        return true; // a pattern JavaScript cannot read: leave the decision to the server
      }
    }
    throw new Error("ogform: unknown operand");
  }

  function evaluate(node, ctx) {
    if ("and" in node) return node.and.every(function (n) { return evaluate(n, ctx); });
    if ("or" in node) return node.or.some(function (n) { return evaluate(n, ctx); });
    if ("not" in node) return !evaluate(node.not, ctx);
    if ("cmp" in node) return compare(node.cmp, operand(node.left, ctx), operand(node.right, ctx));
    if ("selected" in node) return names(ctx.value(node.selected[0])).indexOf(String(node.selected[1])) >= 0;
    if ("bool" in node) return truth(operand(node.bool, ctx));
    throw new Error("ogform: unknown node");
  }

  /** Evaluate safely: a tree this file cannot read counts as true (the server decides). */
  function holds(node, ctx) {
    try {
      return evaluate(node, ctx);
    } catch (error) {
      return true;
    }
  }

  function readJSON(element, attribute) {
    var raw = element.getAttribute(attribute);
    if (!raw) return null;
    try {
      return JSON.parse(raw);
    } catch (error) {
      return null;
    }
  }

  // --- The form ----------------------------------------------------------------------------------

  function OgForm(form) {
    this.form = form;
    this.items = Array.prototype.slice.call(form.querySelectorAll("[data-q]"));
    this.byName = {};
    this.relevant = new Map();
    this.constraint = new Map();
    var self = this;
    this.items.forEach(function (item) {
      if (item.dataset.name) self.byName[item.dataset.name] = item;
      var relevant = readJSON(item, "data-relevant");
      if (relevant) self.relevant.set(item, relevant);
      var constraint = readJSON(item, "data-constraint");
      if (constraint) self.constraint.set(item, constraint);
    });
    this.messages = {
      required: form.dataset.msgRequired || "This question needs an answer.",
      constraint: form.dataset.msgConstraint || "This answer is not accepted.",
      summary: form.dataset.msgSummary || "Please correct the marked questions."
    };
    // We check required answers ourselves (with messages in the page's language), not the browser.
    form.noValidate = true;
    form.addEventListener("input", this.onChange.bind(this));
    form.addEventListener("change", this.onChange.bind(this));
    form.addEventListener("submit", this.onSubmit.bind(this));
    this.refresh();
  }

  OgForm.prototype.inputs = function (item) {
    return Array.prototype.slice.call(item.querySelectorAll("input, select, textarea")).filter(function (input) {
      return input.closest("[data-q]") === item;
    });
  };

  OgForm.prototype.isHidden = function (item) {
    return Boolean(item.closest("[data-q][hidden]"));
  };

  /** The current answer of one question: '' when unanswered or hidden, a list for checkboxes. */
  OgForm.prototype.valueOf = function (item) {
    var multiple = item.dataset.type === "select_multiple";
    if (this.isHidden(item)) return multiple ? [] : "";
    var inputs = this.inputs(item);
    if (multiple) {
      return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    for (var k = 0; k < inputs.length; k++) {
      var input = inputs[k];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) return input.value;
      } else if (input.type !== "hidden") {
        return input.value.trim();
      }
    }
    return "";
  };

  OgForm.prototype.context = function (item) {
    var self = this;
    return {
      value: function (name) {
        var other = self.byName[name];
        return other ? self.valueOf(other) : "";
      },
      current: function () { return self.valueOf(item); }
    };
  };

  /** Show the questions whose condition holds; repeat while hiding one changes another's. */
  OgForm.prototype.refresh = function () {
    var self = this;
    for (var pass = 0; pass < 5; pass++) {
      var changed = false;
      this.relevant.forEach(function (node, item) {
        var visible = holds(node, self.context(item));
        if (item.hidden === visible) {
          item.hidden = !visible;
          changed = true;
        }
      });
      if (!changed) break;
    }
    this.items.forEach(function (item) {
      var hidden = self.isHidden(item);
      self.inputs(item).forEach(function (input) { input.disabled = hidden; });
      if (hidden) self.showError(item, "");
    });
  };

  /** The message for one question, or '' when its answer is acceptable. */
  OgForm.prototype.problem = function (item) {
    if (this.isHidden(item)) return "";
    var value = this.valueOf(item);
    var empty = Array.isArray(value) ? value.length === 0 : value === "";
    if (empty) {
      return item.dataset.required === "true" ? (item.dataset.requiredMessage || this.messages.required) : "";
    }
    var constraint = this.constraint.get(item);
    if (constraint && !holds(constraint, this.context(item))) {
      return item.dataset.constraintMessage || this.messages.constraint;
    }
    var inputs = this.inputs(item);
    for (var k = 0; k < inputs.length; k++) {
      if (inputs[k].validity && inputs[k].validity.badInput) return this.messages.constraint;
    }
    return "";
  };

  OgForm.prototype.showError = function (item, message) {
    var box = item.querySelector("[data-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
    item.classList.toggle("field-error", Boolean(message));
    this.inputs(item).forEach(function (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  };

  OgForm.prototype.onChange = function (event) {
    this.refresh();
    var item = event.target.closest && event.target.closest("[data-q]");
    // Re-check a question already marked wrong, so its message goes once it is put right;
    // a constraint is checked as soon as a value is entered.
    if (item && (item.classList.contains("field-error") || (event.type === "change" && this.constraint.has(item)))) {
      this.showError(item, this.problem(item));
    }
    var summary = this.form.querySelector("[data-summary]");
    if (summary && !summary.hidden && !this.form.querySelector("[data-q].field-error")) summary.hidden = true;
  };

  OgForm.prototype.onSubmit = function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("formnovalidate")) return; // saving a draft
    this.refresh();
    var first = null, self = this, count = 0;
    this.items.forEach(function (item) {
      if (!item.dataset.name) return;
      var message = self.problem(item);
      self.showError(item, message);
      if (message) {
        count += 1;
        if (!first) first = item;
      }
    });
    var summary = this.form.querySelector("[data-summary]");
    if (first) {
      event.preventDefault();
      if (summary) {
        summary.textContent = this.messages.summary;
        summary.hidden = false;
      }
      var target = this.inputs(first)[0];
      if (target) target.focus();
      first.scrollIntoView({block: "center"});
    } else if (summary) {
      summary.hidden = true;
    }
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-ogform]"), function (form) {
      if (!form.ogform) form.ogform = new OgForm(form);
    });
  }

  window.ogform = {evaluate: evaluate, start: start};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
