/* pakn's own script (no inline scripts: the Content-Security-Policy forbids them).
   Everything here is an extra: the pages work without it. */
(function () {
  "use strict";

  // Filing form: the "choose this field" button in the htmx suggestion fragment.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".js-pick-category") : null;
    if (!button) return;
    var select = document.getElementById("category");
    if (!select) return;
    select.value = button.getAttribute("data-category");
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  });

  // Filing form: the browser's location into the hidden latitude/longitude fields, on request.
  function setUpLocate() {
    var button = document.querySelector(".js-locate");
    if (!button || !("geolocation" in navigator)) return;
    var status = document.getElementById("locate-status");
    var lat = document.getElementById("latitude");
    var lon = document.getElementById("longitude");
    var say = function (text) { if (status) status.textContent = text; };
    var en = document.documentElement.lang === "en";
    button.hidden = false;
    button.addEventListener("click", function () {
      say(en ? "Finding your location…" : "Đang xác định vị trí…");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lon.value = position.coords.longitude.toFixed(6);
          say(en ? "Location recorded." : "Đã ghi nhận vị trí.");
          // The map of the form (pakn-map.js, when the operator configured one) moves its pin here.
          document.dispatchEvent(new CustomEvent("pakn:located", {
            detail: { latitude: lat.value, longitude: lon.value }
          }));
        },
        function () {
          // A position chosen before (on the map, or an earlier try) is kept.
          say(en ? "Could not get your location; you can still send the form." : "Không lấy được vị trí; Ông/Bà vẫn có thể gửi phản ánh.");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  // Filing form: a counter under a long text field, and a warning when pasted text was cut at its limit
  // (the browser cuts it silently at maxlength).
  function setUpCounters() {
    var en = document.documentElement.lang === "en";
    document.querySelectorAll("[data-counts]").forEach(function (counter) {
      var field = document.getElementById(counter.getAttribute("data-counts"));
      if (!field || !field.maxLength || field.maxLength < 0) return;
      var max = field.maxLength;
      var cut = false;
      var show = function () {
        var n = field.value.length;
        var text = (en ? n + " of " + max.toLocaleString("en") + " characters"
                       : n.toLocaleString("vi") + "/" + max.toLocaleString("vi") + " ký tự");
        if (cut) {
          text += en ? ". The pasted text was longer than the limit: its end was cut off."
                     : ". Nội dung dán vào dài hơn giới hạn nên phần cuối đã bị cắt; vui lòng rút gọn.";
        }
        counter.textContent = text;
        counter.classList.toggle("field-error", cut || n >= max);
      };
      field.addEventListener("paste", function (event) {
        var pasted = (event.clipboardData || window.clipboardData).getData("text") || "";
        var selected = field.selectionEnd - field.selectionStart;
        cut = field.value.length - selected + pasted.length > max;
        setTimeout(show, 0);
      });
      field.addEventListener("input", function () { if (field.value.length < max) cut = false; show(); });
      show();
    });
  }

  function setUp() {
    setUpLocate();
    setUpCounters();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
