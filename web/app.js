// clustermatch serve: type-to-search over the vocabularies and "add a row" buttons.
// The form works without this file: the inputs then take ids, labels or aliases as typed.
'use strict';
(function () {
  // The same folding as the program's lookups: case, spaces, hyphens, dots, apostrophes.
  function fold(s) { return String(s).toLowerCase().replace(/[\s'’._-]+/g, ''); }

  function prepare(vocab) {
    vocab.sectors.forEach(function (s) {
      s.keys = [s.id, s.label].concat(s.aliases).map(fold);
      s.title = s.label;
      s.sub = s.id + (s.parent ? ' · in ' + s.parent : '');
    });
    vocab.regions.forEach(function (r) {
      r.keys = [r.id, r.name, r.zh, r.zht].filter(Boolean).map(fold);
      // Shaanxi is Shanxi with a doubled vowel: whoever types one is shown both.
      r.near = r.keys.map(function (k) { return k.replace(/aa/g, 'a'); });
      r.title = r.name + (r.zh ? ' ' + r.zh : '');
      r.sub = r.level + (r.in ? ' in ' + r.in : '') + ' · ' + r.id;
    });
  }

  // Best first: a key that starts with the query, then one that contains it; within each
  // group, regions above city level first, then shorter (more general) entries.
  function search(list, q) {
    q = fold(q);
    if (!q) return [];
    var hits = [];
    list.forEach(function (e) {
      var best = 3;
      e.keys.forEach(function (k) {
        var i = k.indexOf(q);
        if (i === 0) best = Math.min(best, k === q ? 0 : 1);
        else if (i > 0) best = Math.min(best, 2);
      });
      (e.near || []).forEach(function (k) { if (k.indexOf(q) >= 0) best = Math.min(best, 2); });
      // Among equal matches provinces come before the 3,000 cities and counties, so
      // "shanxi" still shows Shaanxi.
      if (best < 3) hits.push([best, e.level === 'city' ? 1 : 0, e.title.length, e]);
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return hits.slice(0, 8).map(function (h) { return h[3]; });
  }

  var uid = 0;
  function attach(input, list) {
    var box = document.createElement('ul');
    box.className = 'suggest';
    box.setAttribute('role', 'listbox');
    box.id = 'suggest-' + (++uid);
    box.hidden = true;
    input.parentNode.appendChild(box);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', box.id);
    input.setAttribute('aria-expanded', 'false');
    var items = [], active = -1;

    function close() { box.hidden = true; input.setAttribute('aria-expanded', 'false'); active = -1; }
    function pick(e) {
      input.value = e.id;
      var row = input.closest('.row');
      var note = row.querySelector('.picked');
      if (!note) { note = document.createElement('span'); note.className = 'picked'; row.appendChild(note); }
      note.textContent = e.title + ' — ' + e.sub;
      close();
    }
    function show() {
      items = search(list, input.value);
      box.textContent = '';
      items.forEach(function (e, i) {
        var li = document.createElement('li');
        li.setAttribute('role', 'option');
        li.id = box.id + '-' + i;
        li.textContent = e.title;
        var sub = document.createElement('span');
        sub.className = 'sub';
        sub.textContent = e.sub;
        li.appendChild(sub);
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(e); });
        box.appendChild(li);
      });
      active = -1;
      box.hidden = items.length === 0;
      input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    }
    function move(d) {
      if (!items.length) return;
      active = (active + d + items.length) % items.length;
      Array.prototype.forEach.call(box.children, function (li, i) {
        li.setAttribute('aria-selected', i === active ? 'true' : 'false');
      });
      input.setAttribute('aria-activedescendant', box.children[active].id);
    }
    input.addEventListener('input', show);
    input.addEventListener('blur', close);
    input.addEventListener('keydown', function (ev) {
      if (box.hidden) return;
      if (ev.key === 'ArrowDown') { move(1); ev.preventDefault(); }
      else if (ev.key === 'ArrowUp') { move(-1); ev.preventDefault(); }
      else if (ev.key === 'Enter' && active >= 0) { pick(items[active]); ev.preventDefault(); }
      else if (ev.key === 'Escape') close();
    });
  }

  function addButton(rows, list, what) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'add';
    b.textContent = '+ Add ' + what;
    b.addEventListener('click', function () {
      var all = rows.querySelectorAll('.row');
      var row = all[all.length - 1].cloneNode(true);
      var picked = row.querySelector('.picked');
      if (picked) picked.remove();
      var box = row.querySelector('.suggest');
      if (box) box.remove();
      row.querySelectorAll('input').forEach(function (i) {
        i.removeAttribute('id');
        i.removeAttribute('aria-invalid');
        i.removeAttribute('aria-describedby');
        i.value = i.classList.contains('weight') ? '1' : '';
      });
      rows.insertBefore(row, b);
      var term = row.querySelector('.term');
      attach(term, list);
      term.focus();
    });
    rows.appendChild(b);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var groups = document.querySelectorAll('.rows[data-vocab]');
    if (!groups.length) return;
    fetch('/vocab.json').then(function (r) { return r.json(); }).then(function (vocab) {
      prepare(vocab);
      groups.forEach(function (rows) {
        var list = vocab[rows.getAttribute('data-vocab')] || [];
        rows.querySelectorAll('.term').forEach(function (i) { attach(i, list); });
        addButton(rows, list, rows.getAttribute('data-name'));
      });
      document.body.setAttribute('data-vocab-ready', '1');
    });
  });
})();
