//! Inline SVG bar charts with axes, labels and a legend: grouped or stacked, vertical (time and
//! bucket dimensions) or horizontal (long lists of agents or queues). Pure and deterministic:
//! what a chart shows is decided by its report (`reports::chart`), how it looks here.

use std::fmt::Write;

use crate::render::duration;
pub use crate::reports::chart::{Chart, Layout, Orientation, Timeline, Unit, TIMELINE_STATES};

/// Okabe–Ito hues, darkened where needed so every one has at least 3:1 contrast against white
/// (WCAG 1.4.11): the original orange (#E69F00), sky blue (#56B4E9) and yellow did not.
const COLORS: [&str; 8] = [
    "#0072B2", "#B35C00", "#009E73", "#CC79A7", "#5F5F5F", "#A3213B", "#7A6A00", "#9A4D9E",
];

/// The second cue beside colour (WCAG 1.4.1): each series' bars carry a pattern of white
/// lines or dots over its colour, so series differ in grey print and to colour-blind readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hatch {
    Solid,
    Slash,
    Backslash,
    Horizontal,
    Vertical,
    Dots,
    Cross,
}

/// The series' patterns, in the order of `COLORS`.
const HATCHES: [Hatch; 8] = [
    Hatch::Solid,
    Hatch::Slash,
    Hatch::Dots,
    Hatch::Horizontal,
    Hatch::Backslash,
    Hatch::Vertical,
    Hatch::Cross,
    Hatch::Solid,
];

/// A timeline's states (`TIMELINE_STATES`): colour and pattern each.
const STATE_FILLS: [(&str, Hatch); 8] = [
    ("#009E73", Hatch::Solid),      // Ready
    ("#0072B2", Hatch::Horizontal), // On call
    ("#7A6A00", Hatch::Vertical),   // Ringing
    ("#CC79A7", Hatch::Backslash),  // Wrap-up
    ("#B35C00", Hatch::Slash),      // Not ready
    ("#A3213B", Hatch::Dots),       // RNA
    ("#9A4D9E", Hatch::Cross),      // Other
    ("#5F5F5F", Hatch::Dots),       // Unknown
];

/// The `<defs>` of a chart's patterns: one per fill that is not solid, `{id}-p{k}`.
fn pattern_defs(id: &str, fills: &[(&str, Hatch)]) -> String {
    let mut s = String::from("<defs>");
    for (k, &(color, hatch)) in fills.iter().enumerate() {
        let (rotate, marks) = match hatch {
            Hatch::Solid => continue,
            Hatch::Slash => (45, "<rect width=\"2\" height=\"6\"/>"),
            Hatch::Backslash => (-45, "<rect width=\"2\" height=\"6\"/>"),
            Hatch::Vertical => (0, "<rect width=\"2\" height=\"6\"/>"),
            Hatch::Horizontal => (0, "<rect width=\"6\" height=\"2\"/>"),
            Hatch::Cross => (
                45,
                "<rect width=\"1.5\" height=\"6\"/><rect width=\"6\" height=\"1.5\"/>",
            ),
            Hatch::Dots => (0, "<circle cx=\"3\" cy=\"3\" r=\"1.3\"/>"),
        };
        let _ = write!(
            s,
            "<pattern id=\"{id}-p{k}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
             patternTransform=\"rotate({rotate})\"><rect width=\"6\" height=\"6\" fill=\"{color}\"/>\
             <g fill=\"#fff\" fill-opacity=\".6\">{marks}</g></pattern>"
        );
    }
    if s.len() == "<defs>".len() {
        return String::new();
    }
    s.push_str("</defs>");
    s
}

/// The `fill` of fill `k`: its colour, or its pattern.
fn fill(id: &str, fills: &[(&str, Hatch)], k: usize) -> String {
    match fills[k] {
        (color, Hatch::Solid) => color.to_string(),
        _ => format!("url(#{id}-p{k})"),
    }
}

/// The fills of a bar chart's series.
fn series_fills(n: usize) -> Vec<(&'static str, Hatch)> {
    (0..n)
        .map(|i| (COLORS[i % COLORS.len()], HATCHES[i % HATCHES.len()]))
        .collect()
}

/// A timeline: one line per agent over the period, each run of columns in its state's colour
/// and pattern, the time axis below, the legend above; each line's tooltip sums its states.
pub fn timeline(t: &Timeline, id: &str) -> String {
    let fills = STATE_FILLS;
    let used: Vec<usize> = (0..TIMELINE_STATES.len())
        .filter(|&k| t.rows.iter().any(|r| r.seconds[k] > 0))
        .collect();
    let label_w = label_width(t.rows.iter().map(|r| r.label.as_str()));
    let (width, right, row_h) = (1100.0, 16.0, 16.0);
    let (left, top_m) = (label_w, 50.0);
    let plot_w = width - left - right;
    let plot_h = t.rows.len() as f64 * row_h;
    let height = top_m + plot_h + 24.0;
    let title = escape(&t.title);
    let mut s = String::with_capacity(16_384);
    let _ = write!(
        s,
        "<svg class=\"chart gantt\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         width=\"{width:.0}\" height=\"{height:.0}\"><title id=\"{id}-t\">{title}</title>{}\
         <text class=\"ct\" x=\"{left:.1}\" y=\"16\">{title}</text>",
        pattern_defs(id, &fills)
    );
    let mut lx = left;
    for &k in &used {
        let name = TIMELINE_STATES[k];
        let _ = write!(
            s,
            "<rect x=\"{lx:.1}\" y=\"26\" width=\"10\" height=\"10\" fill=\"{}\"/><text class=\"lg\" x=\"{:.1}\" y=\"35\">{name}</text>",
            fill(id, &fills, k),
            lx + 14.0
        );
        lx += 24.0 + name.chars().count() as f64 * 6.5;
    }
    let x_of = |secs: f64| left + secs / t.seconds.max(1) as f64 * plot_w;
    for (at, label) in &t.ticks {
        let x = x_of(*at as f64);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{top_m:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/><text class=\"tk\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top_m + plot_h,
            top_m + plot_h + 14.0,
            escape(label)
        );
    }
    let col_w = plot_w / f64::from(t.columns.max(1));
    for (i, row) in t.rows.iter().enumerate() {
        let y = top_m + i as f64 * row_h;
        let tip: Vec<String> = used
            .iter()
            .filter(|&&k| row.seconds[k] > 0)
            .map(|&k| format!("{} {}", TIMELINE_STATES[k], duration(row.seconds[k])))
            .collect();
        let _ = write!(
            s,
            "<text class=\"tk\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}: {}</title>{}</text>",
            left - 6.0,
            y + row_h / 2.0 + 4.0,
            escape(&row.label),
            tip.join(", "),
            shorten_plain(&row.label, 28)
        );
        for &(a, b, st) in &row.runs {
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"11\" fill=\"{}\"/>",
                left + f64::from(a) * col_w,
                y + 2.5,
                f64::from(b - a) * col_w,
                fill(id, &fills, usize::from(st))
            );
        }
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/></svg>",
        top_m + plot_h,
        left + plot_w,
        top_m + plot_h
    );
    s
}

/// A label cut to `max` characters (`…`), without a tooltip (its line has one).
fn shorten_plain(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return escape(text);
    }
    let short: String = text.chars().take(max - 1).collect();
    format!("{}…", escape(short.trim_end()))
}

/// A heatmap: categories down, series across, each cell shaded from white to the first colour
/// by its share of the largest value, with the value written in it (the number is the cue that
/// does not depend on colour).
fn heatmap(c: &Chart, id: &str) -> String {
    let rows = c.categories.len();
    let cols = c.series.len().max(1);
    let max = c
        .series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, top_m, right, cell_h) = (96.0, 46.0, 16.0, 18.0);
    let width = 760.0;
    let cell_w = (width - left - right) / cols as f64;
    let height = top_m + rows as f64 * cell_h + 8.0;
    let title = escape(&c.title);
    let mut s = String::with_capacity(8192);
    let _ = write!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         width=\"{width:.0}\" height=\"{height:.0}\"><title id=\"{id}-t\">{title}</title>\
         <text class=\"ct\" x=\"{left:.1}\" y=\"16\">{title}</text>"
    );
    for (j, (name, _)) in c.series.iter().enumerate() {
        let x = left + (j as f64 + 0.5) * cell_w;
        let _ = write!(
            s,
            "<text class=\"tk\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top_m - 6.0,
            escape(name)
        );
    }
    for (i, cat) in c.categories.iter().enumerate() {
        let y = top_m + i as f64 * cell_h;
        let _ = write!(
            s,
            "<text class=\"tk\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + cell_h / 2.0 + 4.0,
            shorten(cat, 14)
        );
        for (j, (name, values)) in c.series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0);
            let share = v.max(0) as f64 / max as f64;
            let x = left + j as f64 * cell_w;
            // Dark cells get white numbers, light ones dark: the number stays readable.
            let ink = if share > 0.55 { "#fff" } else { "#1d2430" };
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"{:.2}\" stroke=\"#fff\"><title>{}, {}: {v}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\" fill=\"{ink}\">{v}</text>",
                cell_w,
                cell_h,
                COLORS[0],
                0.08 + 0.92 * share,
                escape(cat),
                escape(name),
                x + cell_w / 2.0,
                y + cell_h / 2.0 + 3.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The label as SVG text: at most `max` characters (a long one ends in `…`), the whole text
/// in a `<title>` (hover) when shortened.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return escape(text);
    }
    format!(
        "<title>{}</title>{}",
        escape(text),
        shorten_plain(text, max)
    )
}

/// The room labels beside horizontal bars take: their longest (at most 28 characters, as
/// `shorten` cuts them) at about 6.5 px a character.
fn label_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    labels
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 28) as f64
        * 6.5
        + 10.0
}

/// Escapes text for SVG.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A tick step of 1, 2 or 5 × 10^k (counts) or a round duration (seconds) at least `raw`.
fn step(raw: f64, unit: Unit) -> f64 {
    if unit == Unit::Seconds {
        const STEPS: [f64; 14] = [
            1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0,
            28800.0, 86400.0,
        ];
        return STEPS
            .iter()
            .copied()
            .find(|&s| s >= raw)
            .unwrap_or_else(|| (raw / 86400.0).ceil() * 86400.0);
    }
    let raw = raw.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag)
}

fn tick_label(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{v:.0}"),
        Unit::Percent => format!("{:.0}%", v / 100.0),
        Unit::Seconds => {
            let s = v as i64;
            if s % 60 != 0 {
                format!("{s}s")
            } else {
                format!("{}:{:02}", s / 3600, (s % 3600) / 60)
            }
        }
    }
}

fn value_label(v: i64, unit: Unit) -> String {
    match unit {
        Unit::Count => v.to_string(),
        Unit::Percent => crate::reports::table::hundredths(v) + "%",
        Unit::Seconds => duration(v),
    }
}

/// The chart as an inline `<svg>` element. `id` must be unique in the page.
pub fn svg(c: &Chart, id: &str) -> String {
    if c.layout == Layout::Heatmap {
        return heatmap(c, id);
    }
    let n = c.categories.len().max(1);
    let totals: Vec<i64> = (0..n)
        .map(|k| match c.layout {
            Layout::Stacked => c
                .series
                .iter()
                .map(|(_, v)| v.get(k).copied().unwrap_or(0).max(0))
                .sum(),
            Layout::Grouped | Layout::Heatmap => c
                .series
                .iter()
                .map(|(_, v)| v.get(k).copied().unwrap_or(0))
                .max()
                .unwrap_or(0),
        })
        .collect();
    let max = match c.unit {
        Unit::Percent => 10_000.0,
        _ => totals.iter().copied().max().unwrap_or(0).max(1) as f64,
    };
    let step = if c.unit == Unit::Percent {
        2_500.0
    } else {
        step(max / 5.0, c.unit)
    };
    let top = (max / step).ceil().max(1.0) * step;
    let horizontal = c.orientation == Orientation::Horizontal;
    let label_w = if horizontal {
        label_width(c.categories.iter().map(String::as_str))
    } else {
        56.0
    };
    let width = 760.0;
    // The legend wraps onto as many lines as it needs inside the chart's width.
    let right = 16.0;
    let item_w = |name: &str| 24.0 + name.chars().count() as f64 * 6.5;
    let mut legend_at: Vec<(f64, f64)> = Vec::with_capacity(c.series.len());
    let (mut lx, mut line) = (label_w, 0.0);
    for (name, _) in &c.series {
        if lx > label_w && lx + item_w(name) > width - right {
            (lx, line) = (label_w, line + 1.0);
        }
        legend_at.push((lx, 24.0 + line * 16.0));
        lx += item_w(name);
    }
    let legend_h = 22.0 + line * 16.0;
    let (left, top_m) = (label_w, 34.0 + legend_h);
    let (plot_w, plot_h, bottom) = if horizontal {
        (width - left - right, n as f64 * 18.0, 36.0)
    } else {
        let rotate = n > 8;
        (
            width - left - right,
            240.0,
            if rotate { 78.0 } else { 36.0 },
        )
    };
    let height = top_m + plot_h + bottom;
    let mut s = String::with_capacity(4096);
    let title = escape(&c.title);
    let _ = write!(
        s,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {width:.0} {height:.0}\" \
         width=\"{width:.0}\" height=\"{height:.0}\"><title id=\"{id}-t\">{title}</title>"
    );
    let fills = series_fills(c.series.len());
    let _ = write!(
        s,
        "{}<text class=\"ct\" x=\"{left:.1}\" y=\"16\">{title}</text>",
        pattern_defs(id, &fills)
    );
    // Legend.
    for (i, ((name, _), (lx, ly))) in c.series.iter().zip(&legend_at).enumerate() {
        let color = fill(id, &fills, i);
        let _ = write!(
            s,
            "<rect x=\"{lx:.1}\" y=\"{ly:.0}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text class=\"lg\" x=\"{:.1}\" y=\"{:.0}\">{}</text>",
            lx + 14.0,
            ly + 9.0,
            escape(name)
        );
    }
    // Grid and value axis.
    let ticks = (top / step).round() as i64;
    for t in 0..=ticks {
        let v = t as f64 * step;
        let label = tick_label(v, c.unit);
        if horizontal {
            let x = left + v / top * plot_w;
            let _ = write!(
                s,
                "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{top_m:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/><text class=\"tk\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
                top_m + plot_h,
                top_m + plot_h + 14.0
            );
        } else {
            let y = top_m + plot_h - v / top * plot_h;
            let _ = write!(
                s,
                "<line class=\"grid\" x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/><text class=\"tk\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
                left + plot_w,
                left - 6.0,
                y + 4.0
            );
        }
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
        top_m + plot_h,
        left + plot_w,
        top_m + plot_h
    );
    // Bars and category labels.
    let band = if horizontal {
        plot_h / n as f64
    } else {
        plot_w / n as f64
    };
    let every = if horizontal { 1 } else { n.div_ceil(24) };
    for (k, cat) in c.categories.iter().enumerate() {
        let base = k as f64 * band;
        let mut acc = 0i64;
        let groups = c.series.len().max(1) as f64;
        for (i, (name, values)) in c.series.iter().enumerate() {
            let v = values.get(k).copied().unwrap_or(0).max(0);
            let color = fill(id, &fills, i);
            let (start, len, offset, thick) = match c.layout {
                Layout::Stacked => (acc as f64, v as f64, base + band * 0.2, band * 0.6),
                // Drawn by `heatmap`; never reached.
                Layout::Grouped | Layout::Heatmap => (
                    0.0,
                    v as f64,
                    base + band * 0.1 + i as f64 * band * 0.8 / groups,
                    band * 0.8 / groups,
                ),
            };
            acc += v;
            if v == 0 {
                continue;
            }
            let tip = format!(
                "{}: {} {}",
                escape(cat),
                escape(name),
                value_label(v, c.unit)
            );
            let (x, y, w, h) = if horizontal {
                (
                    left + start / top * plot_w,
                    top_m + offset,
                    len / top * plot_w,
                    thick,
                )
            } else {
                let h = len / top * plot_h;
                (
                    left + offset,
                    top_m + plot_h - start / top * plot_h - h,
                    thick,
                    h,
                )
            };
            let _ = write!(s, "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{color}\"><title>{tip}</title></rect>");
        }
        if k % every != 0 {
            continue;
        }
        // A long name is shortened to fit beside the bars; the whole name is its tooltip.
        let label = shorten(cat, if horizontal { 28 } else { 22 });
        if horizontal {
            let y = top_m + base + band / 2.0 + 4.0;
            let _ = write!(
                s,
                "<text class=\"tk\" x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"end\">{label}</text>",
                left - 6.0
            );
        } else if n > 8 {
            let x = left + base + band / 2.0;
            let y = top_m + plot_h + 12.0;
            let _ = write!(
                s,
                "<text class=\"tk\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" transform=\"rotate(-40 {x:.1} {y:.1})\">{label}</text>"
            );
        } else {
            let _ = write!(
                s,
                "<text class=\"tk\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
                left + base + band / 2.0,
                top_m + plot_h + 14.0
            );
        }
    }
    // The target, a dashed line across the bars with its value written beside it.
    if let Some(t) = c.target.filter(|&t| t >= 0 && t as f64 <= top) {
        let v = t as f64 / top;
        let text = match c.unit {
            Unit::Percent => format!("target {}%", crate::reports::table::percent_text(t)),
            unit => format!("target {}", tick_label(t as f64, unit)),
        };
        let (x1, y1, x2, y2, tx, ty, anchor) = if horizontal {
            let x = left + v * plot_w;
            (x, top_m, x, top_m + plot_h, x - 4.0, top_m - 4.0, "end")
        } else {
            let y = top_m + plot_h - v * plot_h;
            (left, y, left + plot_w, y, left + 4.0, y - 4.0, "start")
        };
        let _ = write!(
            s,
            "<line class=\"target\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" \
             stroke=\"#b00020\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\
             <text class=\"tg\" x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"{anchor}\" fill=\"#b00020\">{text}</text>"
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(layout: Layout, orientation: Orientation, unit: Unit) -> Chart {
        Chart {
            title: "Calls <by> day".into(),
            categories: vec!["Mon".into(), "Tue & Wed".into()],
            series: vec![
                ("answered".into(), vec![3, 5]),
                ("not answered".into(), vec![1, 0]),
            ],
            layout,
            orientation,
            unit,
            target: None,
        }
    }

    #[test]
    fn an_accessible_self_contained_chart() {
        let s = svg(
            &chart(Layout::Stacked, Orientation::Vertical, Unit::Count),
            "c1",
        );
        assert!(s.starts_with("<svg class=\"chart\" role=\"img\" aria-labelledby=\"c1-t\""));
        assert!(s.contains("<title id=\"c1-t\">Calls &lt;by&gt; day</title>"));
        assert!(s.contains(">Tue &amp; Wed</text>"));
        assert!(s.contains("<title>Mon: answered 3</title>"));
        assert!(!s.contains("http") && !s.contains("<script"));
        // The same input, the same bytes.
        assert_eq!(
            s,
            svg(
                &chart(Layout::Stacked, Orientation::Vertical, Unit::Count),
                "c1"
            )
        );
    }

    #[test]
    fn long_names_are_shortened_with_the_whole_name_on_hover_and_the_legend_wraps() {
        let long = "Sales – New Customers North America";
        let mut c = chart(Layout::Stacked, Orientation::Horizontal, Unit::Count);
        c.categories = vec![long.into(), "Alexandra Konstantinopoulou-Vasquez".into()];
        c.series = (0..8)
            .map(|i| (format!("reason number {i} with a label"), vec![1, 2]))
            .collect();
        let s = svg(&c, "c2");
        assert!(s.contains(&format!("<title>{}</title>", escape(long))));
        assert!(s.contains(">Sales – New Customers North…</text>"), "{s}");
        // Eight legend items of 219 px beside 192 px of labels: two a line, four lines.
        let rect = |y: u32| format!("y=\"{y}\" width=\"10\" height=\"10\"");
        for y in [24, 40, 56, 72] {
            assert_eq!(s.matches(&rect(y)).count(), 2, "line at {y}");
        }
        assert!(!s.contains(&rect(88)));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(step(7.0, Unit::Count), 10.0);
        assert_eq!(step(0.3, Unit::Count), 1.0);
        assert_eq!(step(130.0, Unit::Count), 200.0);
        assert_eq!(step(2000.0, Unit::Seconds), 3600.0);
        assert_eq!(tick_label(5400.0, Unit::Seconds), "1:30");
        assert_eq!(tick_label(5000.0, Unit::Percent), "50%");
        let h = svg(
            &chart(Layout::Grouped, Orientation::Horizontal, Unit::Seconds),
            "c2",
        );
        assert!(h.contains("text-anchor=\"end\">Tue &amp; Wed</text>"));
    }

    /// A second cue beside colour: the second series' bars and legend swatch carry a pattern
    /// defined once in the chart; the first stays solid.
    #[test]
    fn series_differ_by_pattern_as_well_as_colour() {
        let s = svg(
            &chart(Layout::Grouped, Orientation::Vertical, Unit::Count),
            "c3",
        );
        assert!(s.contains("<pattern id=\"c3-p1\""));
        assert!(!s.contains("id=\"c3-p0\""));
        assert!(s.contains("fill=\"url(#c3-p1)\"><title>Mon: not answered 1</title>"));
        assert!(s.contains("fill=\"#0072B2\"><title>Mon: answered 3</title>"));
    }

    #[test]
    fn a_timeline_draws_runs_with_the_states_in_use_and_a_tooltip_per_agent() {
        let t = Timeline {
            title: "Each agent's states".into(),
            rows: vec![crate::reports::chart::TimelineRow {
                label: "1001 Ava <Smith>".into(),
                runs: vec![(0, 480, 0), (480, 640, 4)],
                seconds: [1800, 0, 0, 0, 600, 0, 0, 0],
            }],
            columns: 960,
            seconds: 3600,
            ticks: vec![(1800, "08:30".into())],
        };
        let s = timeline(&t, "tl");
        assert_eq!(s.matches("height=\"11\"").count(), 2, "one bar per run");
        assert!(s.contains(">Ready</text>") && s.contains(">Not ready</text>"));
        assert!(
            !s.contains(">On call</text>"),
            "only the states drawn are in the legend"
        );
        assert!(
            s.contains("<title>1001 Ava &lt;Smith&gt;: Ready 0:30:00, Not ready 0:10:00</title>")
        );
        assert!(s.contains("fill=\"url(#tl-p4)\""));
        assert!(s.contains(">08:30</text>"));
    }
}
