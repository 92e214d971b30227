//! SVG charts drawn on the server: no chart script, nothing for the Content-Security-Policy to
//! allow (colours are presentation attributes, not style). Each bar links to the list behind it.

use std::fmt::Write;

const WIDTH: f64 = 800.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 26.0;
const RED: &str = "#b42318";
const YELLOW: &str = "#e8a400";
const GREEN: &str = "#1a7f37";
const BLUE: &str = "#0550ae";

/// Text and attribute values escaped as the templates escape them.
fn esc(s: &str) -> String {
    minijinja::HtmlEscape(s).to_string()
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

/// A group, not an image: the bars inside are links, and an image's children would be hidden
/// from screen readers.
fn open(svg: &mut String, height: f64, title: &str, desc: &str) {
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="group" aria-labelledby="t-{id} d-{id}" xmlns="http://www.w3.org/2000/svg"><title id="t-{id}">{t}</title><desc id="d-{id}">{d}</desc>"#,
        id = id_of(title),
        t = esc(title),
        d = esc(desc)
    );
}

/// A stable element id from the title, so two charts on a page do not share ids.
fn id_of(title: &str) -> String {
    format!("{:x}", title.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3)))
}

/// One horizontal bar per row: `value` in 0..=1 (a rate), labelled with `text`.
pub struct RateBar {
    pub label: String,
    pub value: f64,
    pub text: String,
    pub href: String,
}

pub fn rate_bars(title: &str, desc: &str, rows: &[RateBar]) -> String {
    let height = ROW_H * rows.len().max(1) as f64 + 10.0;
    let mut svg = String::new();
    open(&mut svg, height, title, desc);
    let span = WIDTH - LABEL_W - 70.0;
    for (i, r) in rows.iter().enumerate() {
        let y = 5.0 + i as f64 * ROW_H;
        let w = (r.value.clamp(0.0, 1.0) * span).max(1.0);
        let _ = write!(
            svg,
            r#"<a href="{href}"><text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect x="{LABEL_W}" y="{y}" width="{w:.1}" height="{h}" fill="{BLUE}"/><text x="{vx:.1}" y="{ty}">{text}</text></a>"#,
            href = esc(&r.href),
            lx = LABEL_W - 8.0,
            ty = y + 15.0,
            label = esc(&short(&r.label, 16)),
            h = ROW_H - 8.0,
            vx = LABEL_W + w + 6.0,
            text = esc(&r.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One stacked bar per row: red, yellow and green counts.
pub struct LightBar {
    pub label: String,
    pub red: u64,
    pub yellow: u64,
    pub green: u64,
    /// Links for the three parts, in that order.
    pub hrefs: [String; 3],
}

pub fn light_bars(title: &str, desc: &str, rows: &[LightBar]) -> String {
    let height = ROW_H * rows.len().max(1) as f64 + 10.0;
    let max = rows.iter().map(|r| r.red + r.yellow + r.green).max().unwrap_or(0).max(1) as f64;
    let span = WIDTH - LABEL_W - 60.0;
    let mut svg = String::new();
    open(&mut svg, height, title, desc);
    for (i, r) in rows.iter().enumerate() {
        let y = 5.0 + i as f64 * ROW_H;
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>"#,
            lx = LABEL_W - 8.0,
            ty = y + 15.0,
            label = esc(&short(&r.label, 16))
        );
        let mut x = LABEL_W;
        for ((n, colour), href) in [(r.red, RED), (r.yellow, YELLOW), (r.green, GREEN)].into_iter().zip(&r.hrefs) {
            if n == 0 {
                continue;
            }
            let w = n as f64 / max * span;
            let _ = write!(
                svg,
                r#"<a href="{href}"><rect x="{x:.1}" y="{y}" width="{w:.1}" height="{h}" fill="{colour}"><title>{n}</title></rect></a>"#,
                href = esc(href),
                h = ROW_H - 8.0,
            );
            x += w;
        }
        let _ = write!(
            svg,
            r#"<text x="{tx:.1}" y="{ty}">{total}</text>"#,
            tx = x + 6.0,
            ty = y + 15.0,
            total = r.red + r.yellow + r.green
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Two lines over weeks: found and closed.
pub struct WeekCounts {
    pub label: String,
    pub found: u64,
    pub closed: u64,
}

pub fn week_lines(title: &str, desc: &str, points: &[WeekCounts]) -> String {
    let (height, left, bottom, top) = (260.0, 50.0, 40.0, 12.0);
    let max = points.iter().map(|p| p.found.max(p.closed)).max().unwrap_or(0).max(1) as f64;
    let plot_h = height - bottom - top;
    let step = if points.len() > 1 { (WIDTH - left - 20.0) / (points.len() - 1) as f64 } else { 0.0 };
    let xy = |i: usize, v: u64| (left + i as f64 * step, top + plot_h - v as f64 / max * plot_h);
    let mut svg = String::new();
    open(&mut svg, height, title, desc);
    // Axis and the top value.
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{b}" stroke="#57606a"/><line x1="{left}" y1="{b}" x2="{r}" y2="{b}" stroke="#57606a"/><text x="{tx}" y="{ty}" text-anchor="end">{max}</text><text x="{tx}" y="{b}" text-anchor="end">0</text>"##,
        b = top + plot_h,
        r = WIDTH - 10.0,
        tx = left - 6.0,
        ty = top + 10.0,
    );
    for (series, colour) in [(0, BLUE), (1, GREEN)] {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = xy(i, if series == 0 { p.found } else { p.closed });
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ =
            write!(svg, r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.5"/>"#, pts.join(" "));
        for (i, p) in points.iter().enumerate() {
            let v = if series == 0 { p.found } else { p.closed };
            let (x, y) = xy(i, v);
            let _ = write!(
                svg,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"><title>{} {v}</title></circle>"#,
                esc(&p.label)
            );
        }
    }
    // Every other week's label, so they do not overlap.
    let every = (points.len() / 8).max(1);
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let (x, _) = xy(i, 0);
        let _ =
            write!(svg, r#"<text x="{x:.1}" y="{y}" text-anchor="middle">{}</text>"#, esc(&p.label), y = height - 12.0);
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_link_to_their_list() {
        let svg = rate_bars(
            "rate",
            "d",
            &[RateBar {
                label: "<b>&".into(),
                value: 0.5,
                text: "50%".into(),
                href: "/app/problems?unit=1&state=closed".into(),
            }],
        );
        assert!(svg.contains("&lt;b&gt;&amp;"));
        assert!(svg.contains(r#"href="&#x2f;app&#x2f;problems?unit=1&amp;state=closed""#));
        assert!(!svg.contains("style="));
    }
}
