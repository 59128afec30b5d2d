/* The customer tracking page: renders the customer view embedded in the page, then each
 * `view` event of /t/{token}/events, without reloading. No third-party code or tiles. */
(function () {
  'use strict';
  var msgs = JSON.parse(document.getElementById('ot-messages').textContent);
  var lang = document.documentElement.lang || 'en';
  var updates = 0;
  var shown = null;

  function t(key) { return Object.prototype.hasOwnProperty.call(msgs, key) ? msgs[key] : key; }
  function el(id) { return document.getElementById(id); }
  function when(iso) {
    var d = iso ? new Date(iso) : null;
    if (!d || isNaN(d.getTime())) return iso || '';
    return d.toLocaleString(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  }
  function timeNode(iso) {
    var n = document.createElement('time');
    n.dateTime = iso;
    n.textContent = when(iso);
    return n;
  }

  function renderTimeline(v) {
    var ol = el('timeline');
    ol.textContent = '';
    v.timeline.forEach(function (step, i) {
      var li = document.createElement('li');
      li.appendChild(document.createTextNode(t('stage.' + step.stage)));
      if (step.at) li.appendChild(timeNode(step.at));
      if (i === v.timeline.length - 1) li.setAttribute('aria-current', 'step');
      ol.appendChild(li);
    });
  }

  function renderEta(v) {
    var box = el('eta-revisions');
    box.textContent = '';
    /* an order that will not arrive has no arrival time to show */
    el('eta').hidden = v.stage === 'failed' || v.stage === 'cancelled';
    if (v.stage === 'delivered' && v.delivered_at) {
      el('eta-h').textContent = t('delivered_at');
      el('eta-value').textContent = when(v.delivered_at);
    } else {
      el('eta-h').textContent = t('eta_heading');
      el('eta-value').textContent = v.eta ? when(v.eta) : t('eta_none');
    }
    if (v.eta_revisions.length > 1) {
      var p = document.createElement('p');
      p.textContent = t('eta_history');
      var ol = document.createElement('ol');
      ol.className = 'revisions';
      v.eta_revisions.slice(0, -1).forEach(function (r) {
        var li = document.createElement('li');
        li.appendChild(document.createTextNode(when(r.eta)));
        ol.appendChild(li);
      });
      box.appendChild(p);
      box.appendChild(ol);
    }
  }

  function renderDriver(v) {
    el('driver').hidden = !v.driver;
    if (!v.driver) return;
    var parts = [v.driver.first_name || t('driver_unnamed')];
    if (v.driver.vehicle) parts.push(v.driver.vehicle);
    el('driver-text').textContent = parts.join(' \u00b7 ');
  }

  /* The trail and the latest position in a box fitted to them (north up). */
  function renderWhere(v) {
    el('where').hidden = !(v.hyperlocal && v.position);
    if (!v.position) return;
    var pts = v.trail.slice();
    pts.push([v.position.latitude, v.position.longitude]);
    var lat0 = Infinity, lat1 = -Infinity, lon0 = Infinity, lon1 = -Infinity;
    pts.forEach(function (p) {
      lat0 = Math.min(lat0, p[0]); lat1 = Math.max(lat1, p[0]);
      lon0 = Math.min(lon0, p[1]); lon1 = Math.max(lon1, p[1]);
    });
    var span = Math.max(lat1 - lat0, lon1 - lon0, 1e-4);
    function xy(p) {
      return [(20 + (p[1] - lon0) / span * 280).toFixed(1),
              (180 - (p[0] - lat0) / span * 160).toFixed(1)];
    }
    el('route-line').setAttribute('points', pts.map(function (p) { return xy(p).join(','); }).join(' '));
    var last = xy(pts[pts.length - 1]);
    el('route-dot').setAttribute('cx', last[0]);
    el('route-dot').setAttribute('cy', last[1]);
    el('position-text').textContent = t('position_text') + ': ' +
      v.position.latitude.toFixed(5) + ', ' + v.position.longitude.toFixed(5) +
      (v.position.at ? ' (' + when(v.position.at) + ')' : '');
  }

  function render(v) {
    var changed = shown && shown.stage !== v.stage;
    var etaChanged = shown && shown.eta !== v.eta;
    el('order-id').textContent = v.order_id;
    el('stage').textContent = t('stage.' + v.stage);
    el('detail').textContent = t('detail.' + v.stage);
    document.body.className = 'stage-' + v.stage;
    document.body.setAttribute('data-stage', v.stage);
    renderEta(v);
    renderDriver(v);
    renderWhere(v);
    renderTimeline(v);
    if (changed) el('announce').textContent = t('stage.' + v.stage) + '. ' + t('detail.' + v.stage);
    else if (etaChanged && v.eta) el('announce').textContent = t('eta_changed') + ': ' + when(v.eta);
    shown = v;
  }

  function connect() {
    if (!window.EventSource || shown.terminal) return;
    var url = location.pathname.replace(/\/+$/, '') + '/events';
    var es = new EventSource(url);
    es.addEventListener('open', function () { el('conn').textContent = t('live'); });
    es.addEventListener('error', function () {
      el('conn').textContent = shown.terminal ? '' : t('reconnecting');
    });
    es.addEventListener('view', function (e) {
      var v = JSON.parse(e.data);
      updates += 1;
      document.body.setAttribute('data-updates', String(updates));
      render(v);
      if (v.terminal) { es.close(); el('conn').textContent = ''; }
    });
  }

  render(JSON.parse(el('ot-view').textContent));
  document.body.setAttribute('data-updates', '0');
  connect();
}());
