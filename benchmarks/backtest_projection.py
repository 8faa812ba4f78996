"""Backtest of the projection models: fit up to a date, forecast, compare with what followed.

Candidates:
- `ols`: ln(value) = a + b t + e, e independent (the model before; Student-t intervals);
- `rwdrift`: random walk with drift on ln(value) by month, the engine's own
  closed-form fit (`portfolio.engine.projection.fit_forecast`);
- `llt`: local linear trend (stochastic level and slope, measurement noise);
- `trend_ar1`: deterministic line with AR(1) deviations.
`llt` and `trend_ar1` are statsmodels `UnobservedComponents` (`SPECS`) on
the monthly grid with missing months.

Paths: the sample's listed-yield footprint and financed emissions (2019-12-31,
then monthly 2022-2024: a two-year gap), and three synthetic families of 60
month ends, 12 seeds each: `steady` (-6 %/year with AR(1) deviations,
phi 0.8), `reversal` (-10 %/year for 36 months, then +2 %/year, random-walk
noise), `gap` (the steady path observed at month 0 and from month 25 on).
Origins: every 6 months from the 18th observed month, leaving 12 months to
score. Scores over horizons 1 to 12 months, on ln(value): RMSE at 12 months,
coverage of the 95 % interval (should be 95 %) and the mean 95 % interval
score (width + 40 x the miss; lower is better, a proper score that rewards
both sharpness and calibration).

Run: `python benchmarks/backtest_projection.py` (about a minute); prints one
table per path family and the overall ranking.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from portfolio.engine.projection import MODEL, Z95, fit_forecast, monthly_log_series

# the state-space candidates, as statsmodels UnobservedComponents arguments
SPECS: dict[str, dict[str, object]] = {
    "llt": {"level": "local linear deterministic trend", "trend": True, "stochastic_trend": True,
            "stochastic_level": True},
    "trend_ar1": {"level": "deterministic trend", "autoregressive": 1},
}
HORIZON = 12
SEEDS = 12
MONTHS = 60


def ols_forecast(log_values: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The former model: OLS of ln(value) on time, prediction intervals assuming independent residuals."""
    import statsmodels.api as sm
    from scipy import stats

    months = np.flatnonzero(~np.isnan(log_values))
    fit = sm.OLS(log_values[months], sm.add_constant(months.astype(float))).fit()
    future = np.arange(len(log_values), len(log_values) + steps, dtype=float)
    frame = fit.get_prediction(sm.add_constant(future, has_constant="add")).summary_frame(alpha=0.05)
    # turn the Student-t half width into the sd of a normal with the same 95 % interval, to score alike
    half = (frame["obs_ci_upper"] - frame["mean"]).to_numpy() * Z95 / stats.t.ppf(0.975, fit.df_resid)
    return frame["mean"].to_numpy(), half / Z95


def state_space_forecast(model: str, log_values: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """A statsmodels candidate of SPECS fitted by maximum likelihood (Kalman filter over the missing months)."""
    import warnings

    from statsmodels.tsa.statespace.structural import UnobservedComponents

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short series: the fit is still the best found
        fitted = UnobservedComponents(log_values, **SPECS[model]).fit(disp=False, maxiter=200)
        predicted = fitted.get_forecast(steps)
    return np.asarray(predicted.predicted_mean), np.sqrt(np.asarray(predicted.var_pred_mean))


def forecast(model: str, log_values: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of ln(value) for the next `steps` months."""
    if model == "ols":
        return ols_forecast(log_values, steps)
    if model == MODEL:
        fit = fit_forecast(log_values, steps)
        return fit.mean, fit.sd
    return state_space_forecast(model, log_values, steps)


def scores(model: str, path: np.ndarray) -> list[dict[str, float]]:
    """One row per origin and horizon: error, inside the 95 % interval, interval score."""
    observed = np.flatnonzero(~np.isnan(path))
    rows = []
    for origin in observed[17::6]:
        if origin + HORIZON > len(path) - 1:
            break
        mean, sd = forecast(model, path[:origin + 1], HORIZON)
        for step in range(1, HORIZON + 1):
            actual = path[origin + step]
            if np.isnan(actual):
                continue
            low, high = mean[step - 1] - Z95 * sd[step - 1], mean[step - 1] + Z95 * sd[step - 1]
            miss = max(low - actual, 0.0) + max(actual - high, 0.0)
            rows.append({"origin": origin, "step": step, "error": actual - mean[step - 1],
                         "inside": float(low <= actual <= high), "interval_score": high - low + 40 * miss})
    return rows


def synthetic(kind: str, seed: int) -> np.ndarray:
    """One synthetic ln(value) path of MONTHS month ends."""
    rng = np.random.default_rng(seed)
    months = np.arange(MONTHS)
    if kind == "reversal":
        slope = np.where(months < 36, np.log(0.90) / 12, np.log(1.02) / 12)
        return np.log(400) + np.cumsum(slope) + np.cumsum(rng.normal(0, 0.01, MONTHS))
    deviation = np.zeros(MONTHS)
    shocks = rng.normal(0, 0.015, MONTHS)
    for month in range(1, MONTHS):
        deviation[month] = 0.8 * deviation[month - 1] + shocks[month]
    path = np.log(400) + np.log(0.94) / 12 * months + deviation
    if kind == "gap":
        path[1:25] = np.nan
    return path


def sample_paths() -> dict[str, np.ndarray]:
    """The sample's two listed-yield trajectory metrics on the monthly grid."""
    import portfolio
    from portfolio.engine.metrics import metric_series

    metrics = portfolio.analyze().metrics
    return {f"sample {name}": monthly_log_series(metric_series(metrics, "listed_yield", metric).dropna())
            for name, metric in (("footprint", "carbon_footprint_tco2e_per_meur"),
                                 ("financed emissions", "financed_emissions_tco2e"))}


def summarise(rows: list[dict[str, float]]) -> dict[str, float]:
    frame = pd.DataFrame(rows)
    at_horizon = frame[frame["step"] == HORIZON]["error"]
    return {"forecasts": len(frame), "rmse_12m": float(np.sqrt((at_horizon ** 2).mean())),
            "coverage_95": float(frame["inside"].mean()), "interval_score": float(frame["interval_score"].mean())}


def main() -> None:
    models = ["ols", MODEL, *SPECS]
    families: dict[str, list[np.ndarray]] = {name: [path] for name, path in sample_paths().items()}
    for kind in ("steady", "reversal", "gap"):
        families[kind] = [synthetic(kind, seed) for seed in range(SEEDS)]
    overall: dict[str, list[dict[str, float]]] = {model: [] for model in models}
    started = time.perf_counter()
    for family, paths in families.items():
        print(f"\n{family} ({len(paths)} path{'s' if len(paths) > 1 else ''})")
        print(f"{'model':<10}{'forecasts':>10}{'rmse 12m':>10}{'cover 95':>10}{'int. score':>11}")
        for model in models:
            rows = [row for path in paths for row in scores(model, path)]
            overall[model] += rows
            figures = summarise(rows)
            print(f"{model:<10}{figures['forecasts']:>10}{figures['rmse_12m']:>10.4f}"
                  f"{figures['coverage_95']:>10.1%}{figures['interval_score']:>11.4f}")
    print("\nall paths")
    for model in sorted(models, key=lambda name: summarise(overall[name])["interval_score"]):
        figures = summarise(overall[model])
        print(f"{model:<10}{figures['forecasts']:>10}{figures['rmse_12m']:>10.4f}"
              f"{figures['coverage_95']:>10.1%}{figures['interval_score']:>11.4f}")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
