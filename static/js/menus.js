// The header's menus: Menu collapses the site menu on narrow screens; each <details> menu group (and each
// page's Actions menu) also opens on hover where there is a mouse, closes on Escape or a click elsewhere,
// and one open group closes the others. Without this script every menu still opens with a click or Enter.
(function () {
  var header = document.querySelector(".topbar");
  var toggle = header && header.querySelector(".menu-toggle");
  if (toggle) {
    var siteMenu = document.getElementById(toggle.getAttribute("aria-controls"));
    header.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      siteMenu.classList.toggle("open", open);
    });
  }

  var menus = Array.prototype.slice.call(document.querySelectorAll("details.menu-group, details.actions-menu"));
  var pointer = window.matchMedia("(hover: hover) and (min-width: 60em)");

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) { menu.open = false; delete menu.dataset.hoverOpen; }
    });
  }

  menus.forEach(function (menu) {
    var summary = menu.querySelector("summary");
    menu.addEventListener("toggle", function () { if (menu.open) { closeAll(menu); } });
    menu.addEventListener("mouseenter", function () {
      if (pointer.matches && !menu.open) { menu.dataset.hoverOpen = "1"; menu.open = true; }
    });
    menu.addEventListener("mouseleave", function () {
      if (menu.dataset.hoverOpen) { delete menu.dataset.hoverOpen; menu.open = false; }
    });
    // A click on a group the pointer opened keeps it open rather than closing it under the pointer.
    summary.addEventListener("click", function (event) {
      if (menu.dataset.hoverOpen) { event.preventDefault(); delete menu.dataset.hoverOpen; }
    });
    menu.addEventListener("focusout", function (event) {
      if (menu.open && !menu.contains(event.relatedTarget)) { menu.open = false; }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) { menu.open = false; summary.focus(); }
    });
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (!menu.contains(event.target)) { menu.open = false; } });
  });
})();
