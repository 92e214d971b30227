//! SVG charts drawn on the server: no chart script, nothing for the Content-Security-Policy to
//! allow (colours are presentation attributes, not style). Each bar links to the list behind it
//! (a bar with an empty href links nowhere). The dashboard, the bulletin preview, the PDF and the
//! DOCX all draw a chart through these functions, so it looks the same everywhere.

use std::fmt::Write;

use resvg::{tiny_skia, usvg};

use crate::{Chart, Fonts, RenderError};

const WIDTH: f64 = 800.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 26.0;
/// Characters of a unit's name that fit left of the bars at the page's 15-unit type.
const LABEL_CHARS: usize = 14;
const RED: &str = "#b42318";
const YELLOW: &str = "#e8a400";
const GREEN: &str = "#1a7f37";
const BLUE: &str = "#0550ae";

/// Text and attribute values escaped as the web templates escape them (minijinja's HTML escape:
/// the same six characters, so the dashboard's markup is unchanged).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2f;"),
            c => out.push(c),
        }
    }
    out
}

/// `<a href="…">` around a bar, or nothing for an empty href.
fn link_open(svg: &mut String, href: &str) {
    if !href.is_empty() {
        let _ = write!(svg, r#"<a href="{}">"#, esc(href));
    }
}

fn link_close(svg: &mut String, href: &str) {
    if !href.is_empty() {
        svg.push_str("</a>");
    }
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
    let span = WIDTH - LABEL_W - 110.0;
    for (i, r) in rows.iter().enumerate() {
        let y = 5.0 + i as f64 * ROW_H;
        let w = (r.value.clamp(0.0, 1.0) * span).max(1.0);
        link_open(&mut svg, &r.href);
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect x="{LABEL_W}" y="{y}" width="{w:.1}" height="{h}" fill="{BLUE}"/><text x="{vx:.1}" y="{ty}">{text}</text>"#,
            lx = LABEL_W - 8.0,
            ty = y + 15.0,
            label = esc(&short(&r.label, LABEL_CHARS)),
            h = ROW_H - 8.0,
            vx = LABEL_W + w + 6.0,
            text = esc(&r.text),
        );
        link_close(&mut svg, &r.href);
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
    let span = WIDTH - LABEL_W - 50.0;
    let mut svg = String::new();
    open(&mut svg, height, title, desc);
    for (i, r) in rows.iter().enumerate() {
        let y = 5.0 + i as f64 * ROW_H;
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>"#,
            lx = LABEL_W - 8.0,
            ty = y + 15.0,
            label = esc(&short(&r.label, LABEL_CHARS))
        );
        let mut x = LABEL_W;
        for ((n, colour), href) in [(r.red, RED), (r.yellow, YELLOW), (r.green, GREEN)].into_iter().zip(&r.hrefs) {
            if n == 0 {
                continue;
            }
            let w = n as f64 / max * span;
            link_open(&mut svg, href);
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="{h}" fill="{colour}"><title>{n}</title></rect>"#,
                h = ROW_H - 8.0,
            );
            link_close(&mut svg, href);
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
    let every = (points.len() / 6).max(1);
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let (x, _) = xy(i, 0);
        let _ =
            write!(svg, r#"<text x="{x:.1}" y="{y}" text-anchor="middle">{}</text>"#, esc(&p.label), y = height - 12.0);
    }
    svg.push_str("</svg>");
    svg
}

/// A chart of the model as SVG, through the dashboard's functions; its bars link nowhere. The
/// description lists every figure, for screen readers.
pub fn svg(chart: &Chart) -> String {
    match chart {
        Chart::Rates { title, rows } => {
            let desc: Vec<String> = rows.iter().map(|r| format!("{} {}", r.label, r.text)).collect();
            let bars: Vec<RateBar> = rows
                .iter()
                .map(|r| RateBar { label: r.label.clone(), value: r.value, text: r.text.clone(), href: String::new() })
                .collect();
            rate_bars(title, &desc.join("；"), &bars)
        }
        Chart::Lights { title, rows } => {
            let desc: Vec<String> =
                rows.iter().map(|r| format!("{} 红{} 黄{} 绿{}", r.label, r.red, r.yellow, r.green)).collect();
            let bars: Vec<LightBar> = rows
                .iter()
                .map(|r| LightBar {
                    label: r.label.clone(),
                    red: r.red,
                    yellow: r.yellow,
                    green: r.green,
                    hrefs: Default::default(),
                })
                .collect();
            light_bars(title, &desc.join("；"), &bars)
        }
    }
}

/// Chart text size on paper, in SVG units. The dashboard's stylesheet says 15px, which is 9pt once
/// the 800-unit chart is shrunk to a page's width: print takes the largest size up to 16 at which
/// the longest label still fits its column.
fn print_font_size(chart: &Chart) -> f32 {
    let labels: Vec<&str> = match chart {
        Chart::Rates { rows, .. } => rows.iter().map(|r| r.label.as_str()).collect(),
        Chart::Lights { rows, .. } => rows.iter().map(|r| r.label.as_str()).collect(),
    };
    let ems = labels
        .iter()
        .map(|l| short(l, LABEL_CHARS).chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum::<f64>())
        .fold(1.0, f64::max);
    ((LABEL_W - 12.0) / ems).clamp(10.0, 16.0) as f32
}

/// The chart laid out by usvg with the CJK chart face, for the PNG and the PDF.
pub(crate) fn tree(chart: &Chart, fonts: &Fonts) -> Result<usvg::Tree, RenderError> {
    let options = usvg::Options {
        font_family: fonts.svg_family.clone(),
        font_size: print_font_size(chart),
        languages: vec!["zh-CN".into()],
        fontdb: fonts.svg_db.clone(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(&svg(chart), &options).map_err(|e| RenderError::Chart(e.to_string()))
}

/// The chart as a PNG on white, `scale` pixels per SVG unit (the chart is 800 units wide).
pub fn png(chart: &Chart, fonts: &Fonts, scale: f32) -> Result<Vec<u8>, RenderError> {
    let tree = tree(chart, fonts)?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or_else(|| RenderError::Chart(format!("scale {scale}")))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| RenderError::Chart(format!("image of {}×{} px", size.width(), size.height())))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| RenderError::Chart(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dashboard's markup is byte for byte the golden file (first written by the web crate's
    /// old code, which escaped with minijinja). A deliberate change of the drawing rewrites it:
    /// `RECTIFY_BLESS=1 cargo test -p rectify-reports chart`, and the diff is reviewed.
    #[test]
    fn output_matches_the_golden_file() {
        let r = rate_bars(
            "整改率 <各单位>",
            "d's \"x\"",
            &[
                RateBar {
                    label: "区纪委".into(),
                    value: 0.816,
                    text: "81.6% (80/98)".into(),
                    href: "/app/problems?unit=1&state=closed".into(),
                },
                RateBar {
                    label: "一个非常非常非常非常非常长的单位名称超过十六个字".into(),
                    value: 0.0,
                    text: "0.0%".into(),
                    href: "/a".into(),
                },
            ],
        );
        let l = light_bars(
            "lights",
            "desc",
            &[
                LightBar {
                    label: "A&B".into(),
                    red: 2,
                    yellow: 0,
                    green: 5,
                    hrefs: ["/r".into(), "/y".into(), "/g?x=1&y=2".into()],
                },
                LightBar {
                    label: "C".into(),
                    red: 0,
                    yellow: 3,
                    green: 0,
                    hrefs: ["/r".into(), "/y".into(), "/g".into()],
                },
            ],
        );
        let w = week_lines(
            "weeks",
            "d",
            &[
                WeekCounts { label: "04-01".into(), found: 3, closed: 1 },
                WeekCounts { label: "04-08".into(), found: 5, closed: 4 },
            ],
        );
        let drawn = format!("{r}\n{l}\n{w}\n");
        let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/web-charts.golden");
        if std::env::var_os("RECTIFY_BLESS").is_some() {
            std::fs::write(golden, &drawn).unwrap();
        }
        assert_eq!(drawn, std::fs::read_to_string(golden).unwrap());
    }

    #[test]
    fn bars_without_a_link_are_drawn_without_one() {
        let chart = Chart::Lights {
            title: "预警".into(),
            rows: vec![crate::LightRow { label: "区纪委".into(), red: 1, yellow: 0, green: 2 }],
        };
        let svg = svg(&chart);
        assert!(!svg.contains("<a"), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("区纪委 红1 黄0 绿2"), "the description carries the figures: {svg}");
    }

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
