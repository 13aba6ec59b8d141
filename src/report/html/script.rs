//! The page's one script, inline, and only a convenience: the matrix is complete and in input
//! order without it. It shows the sort buttons and the filter controls (hidden otherwise),
//! sorts a table by a column's `data-v` values (unknowns last, ties in input order), filters
//! rows by text and verdict, and marks the page `data-script="ok"` when it ran (`error` and the
//! message when it failed), so a headless browser can tell.

pub const JS: &str = r#"
(function () {
  var root = document.documentElement;
  var status = document.getElementById('script-status');
  try {
    var each = function (list, f) { Array.prototype.forEach.call(list, f); };
    each(document.querySelectorAll('table.sortable'), function (table) {
      var heads = table.tHead.rows[0].cells;
      each(heads, function (th, col) {
        var button = th.querySelector('button.sort');
        if (!button) { return; }
        button.hidden = false;
        button.addEventListener('click', function () {
          var asc = th.getAttribute('aria-sort') !== 'ascending';
          each(heads, function (h) { h.removeAttribute('aria-sort'); });
          th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
          var numeric = th.getAttribute('data-sort') === 'num';
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col].getAttribute('data-v') || '';
            var y = b.cells[col].getAttribute('data-v') || '';
            var r = 0;
            if (x === '' || y === '') {
              r = (x === '' ? 1 : 0) - (y === '' ? 1 : 0);
              if (r !== 0) { return r; }
            } else if (numeric) {
              r = parseFloat(x) - parseFloat(y);
            } else {
              r = x.localeCompare(y);
            }
            if (!asc) { r = -r; }
            return r || (parseInt(a.getAttribute('data-i'), 10) - parseInt(b.getAttribute('data-i'), 10));
          });
          each(rows, function (row) { body.appendChild(row); });
        });
      });
    });
    var filter = document.getElementById('filter');
    var verdict = document.getElementById('verdict-filter');
    var shown = document.getElementById('shown');
    var apply = function () {
      var q = filter.value.toLowerCase();
      var v = verdict.value;
      var count = 0;
      each(document.querySelectorAll('#matrix tbody tr'), function (tr) {
        var ok = (q === '' || tr.getAttribute('data-search').indexOf(q) >= 0) &&
          (v === '' || tr.getAttribute('data-verdict') === v);
        tr.hidden = !ok;
        if (ok) { count += 1; }
        each(document.querySelectorAll('tr[data-model="' + tr.getAttribute('data-model') + '"]'),
          function (other) { other.hidden = !ok; });
      });
      shown.textContent = count + ' shown';
    };
    filter.addEventListener('input', apply);
    verdict.addEventListener('change', apply);
    document.getElementById('controls').hidden = false;
    apply();
    root.setAttribute('data-script', 'ok');
    status.textContent = 'Sorting and filtering are on: click a column\u2019s arrow to sort.';
  } catch (e) {
    root.setAttribute('data-script', 'error');
    if (status) { status.textContent = 'The page script failed: ' + e; }
  }
})();
"#;
