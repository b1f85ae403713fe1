/// Seconds since `t0` on the continuous clock: the wall time every attack reports.
func seconds(since t0: ContinuousClock.Instant) -> Double {
  let d = ContinuousClock.now - t0
  return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
