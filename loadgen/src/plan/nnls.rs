//! Non-negative least squares: the x >= 0 that minimises |A x - b|^2, by Lawson and Hanson's
//! active-set method (Solving Least Squares Problems, 1974, ch. 23). Exact for the handful of
//! columns a scenario's journeys give (each step solves the normal equations of the columns in
//! use); f64, since these are mix weights, not money.

/// Columns (each of length `b.len()`) and the target. `None` when a figure is not finite or a
/// column's length differs from `b`'s.
pub fn nnls(columns: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = columns.len();
    let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
    if !finite(b) || columns.iter().any(|c| c.len() != b.len() || !finite(c)) {
        return None;
    }
    let scale = columns
        .iter()
        .flatten()
        .chain(b)
        .fold(0.0f64, |m, x| m.max(x.abs()));
    // Gradients below this are rounding, not a direction that lowers the residual.
    let tol = 1e-12 * scale * scale * b.len() as f64;
    let mut x = vec![0.0; n];
    let mut passive = vec![false; n];
    // Each pass adds a column; one that cannot enter (dependent in rounding) is barred.
    let mut barred = vec![false; n];
    for _ in 0..3 * n + 3 {
        let w = gradient(columns, b, &x);
        let Some(t) = (0..n)
            .filter(|&j| !passive[j] && !barred[j] && w[j] > tol)
            .max_by(|&i, &j| w[i].total_cmp(&w[j]))
        else {
            break;
        };
        passive[t] = true;
        for _ in 0..n + 1 {
            let Some(z) = solve(columns, b, &passive) else {
                passive[t] = false;
                barred[t] = true;
                break;
            };
            if (0..n).all(|j| !passive[j] || z[j] > 0.0) {
                x = z;
                break;
            }
            // Step from x towards z as far as x stays >= 0; the columns reaching 0 leave.
            let alpha = (0..n)
                .filter(|&j| passive[j] && z[j] <= 0.0)
                .map(|j| x[j] / (x[j] - z[j]))
                .fold(1.0f64, f64::min);
            for (xj, zj) in x.iter_mut().zip(&z) {
                *xj += alpha * (zj - *xj);
            }
            let top = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            for (xj, pj) in x.iter_mut().zip(passive.iter_mut()) {
                if *pj && *xj <= 1e-12 * top {
                    *pj = false;
                    *xj = 0.0;
                }
            }
        }
    }
    Some(x)
}

/// A^T (b - A x): where the residual still points, per column.
fn gradient(columns: &[Vec<f64>], b: &[f64], x: &[f64]) -> Vec<f64> {
    let r: Vec<f64> = (0..b.len())
        .map(|i| b[i] - columns.iter().zip(x).map(|(c, xj)| c[i] * xj).sum::<f64>())
        .collect();
    columns.iter().map(|c| dot(c, &r)).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The least-squares solution over the `passive` columns (the others 0), by the normal equations
/// and Gaussian elimination with partial pivoting; `None` when they are dependent.
fn solve(columns: &[Vec<f64>], b: &[f64], passive: &[bool]) -> Option<Vec<f64>> {
    let idx: Vec<usize> = (0..columns.len()).filter(|&j| passive[j]).collect();
    let k = idx.len();
    let mut m: Vec<Vec<f64>> = idx
        .iter()
        .map(|&i| {
            let mut row: Vec<f64> = idx.iter().map(|&j| dot(&columns[i], &columns[j])).collect();
            row.push(dot(&columns[i], b));
            row
        })
        .collect();
    let diag = (0..k).fold(0.0f64, |a, i| a.max(m[i][i]));
    for c in 0..k {
        let p = (c..k).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() <= 1e-12 * diag {
            return None;
        }
        m.swap(c, p);
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, y) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * y;
                }
            }
        }
    }
    let mut z = vec![0.0; columns.len()];
    for (row, &j) in idx.iter().enumerate() {
        z[j] = m[row][k] / m[row][row];
    }
    Some(z)
}

#[cfg(test)]
mod tests {
    use super::nnls;

    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn an_exact_non_negative_solution_is_found() {
        // b = 2 a0 + 3 a1 with a0 = (1, 0, 1), a1 = (0, 1, 1): b = (2, 3, 5).
        let a = vec![vec![1.0, 0.0, 1.0], vec![0.0, 1.0, 1.0]];
        close(&nnls(&a, &[2.0, 3.0, 5.0]).unwrap(), &[2.0, 3.0]);
        // Square and invertible: the plain solution, 1/4 and 3/4 of two mixes of three shares.
        let a = vec![vec![0.5, 0.5, 0.0], vec![0.0, 0.2, 0.8]];
        close(&nnls(&a, &[0.125, 0.275, 0.6]).unwrap(), &[0.25, 0.75]);
    }

    #[test]
    fn a_weight_the_data_would_make_negative_is_zero() {
        // Unconstrained, b = (1, 1) from a0 = (1, 0), a1 = (1, 1) is x = (0, 1); with b = (0, 1)
        // it would be x0 = -1, x1 = 1. Constrained: x0 = 0 and x1 minimises (x1)^2 + (x1 - 1)^2,
        // x1 = 1/2 (residual 1/2 rather than 0).
        let a = vec![vec![1.0, 0.0], vec![1.0, 1.0]];
        close(&nnls(&a, &[0.0, 1.0]).unwrap(), &[0.0, 0.5]);
        // A column pointing away from b never enters.
        let a = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        close(&nnls(&a, &[2.0, -1.0]).unwrap(), &[2.0, 0.0]);
    }

    #[test]
    fn degenerate_input_gives_zeros_or_one_of_twin_columns() {
        // No columns, a zero target, a zero column.
        assert_eq!(nnls(&[], &[1.0]).unwrap(), Vec::<f64>::new());
        close(&nnls(&[vec![1.0, 2.0]], &[0.0, 0.0]).unwrap(), &[0.0]);
        close(
            &nnls(&[vec![0.0, 0.0], vec![1.0, 1.0]], &[2.0, 2.0]).unwrap(),
            &[0.0, 2.0],
        );
        // Two identical columns: the fit is exact with the first alone; the twin adds nothing.
        let x = nnls(&[vec![1.0, 1.0], vec![1.0, 1.0]], &[3.0, 3.0]).unwrap();
        assert!(
            (x[0] + x[1] - 3.0).abs() < 1e-9 && x.iter().all(|v| *v >= 0.0),
            "{x:?}"
        );
        // Not finite, or a column of the wrong length: no answer.
        assert!(nnls(&[vec![f64::NAN]], &[1.0]).is_none());
        assert!(nnls(&[vec![1.0]], &[1.0, 2.0]).is_none());
    }
}
