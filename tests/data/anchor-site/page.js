// Filter box: hide table-of-contents entries that do not match; highlight the current section.
(function () {
  var filter = document.getElementById('filter');
  var items = Array.prototype.slice.call(document.querySelectorAll('nav.toc li'));
  filter.addEventListener('input', function () {
    var q = filter.value.trim().toLowerCase();
    items.forEach(function (li) { li.classList.toggle('hidden', q !== '' && li.textContent.toLowerCase().indexOf(q) < 0); });
  });
  var links = Array.prototype.slice.call(document.querySelectorAll('nav.toc a'));
  links.forEach(function (a) {
    a.addEventListener('click', function () {
      links.forEach(function (b) { b.classList.toggle('current', b === a); });
    });
  });
})();
