import { minimize } from './optimize';

describe('minimize (Nelder–Mead with restarts in a box)', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = ([x, y]: readonly number[]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;
    const result = minimize(rosenbrock, [-1.2, 1]);
    expect(result.status).toBe('converged');
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('finds a minimum in four dimensions', () => {
    const target = [0.5, -2, 3, 1.5];
    const bowl = (x: readonly number[]) => x.reduce((sum, v, i) => sum + (i + 1) * (v - target[i]!) ** 2, 0);
    const result = minimize(bowl, [0, 0, 0, 0]);
    result.x.forEach((v, i) => expect(v).toBeCloseTo(target[i]!, 6));
  });

  it('stays inside the box: a minimum beyond it ends on the bound', () => {
    const result = minimize(([x, y]) => (x! - 50) ** 2 + (y! + 3) ** 2, [0, 0], { lower: -10, upper: 10 });
    expect(result.x[0]).toBe(10);
    expect(result.x[1]).toBeCloseTo(-3, 6);
    // a function that keeps decreasing toward infinity cannot drag the search away
    const unbounded = minimize(([x]) => -Math.exp(x!), [0]);
    expect(unbounded.x[0]).toBe(10);
    expect(Number.isFinite(unbounded.value)).toBe(true);
  });

  it('moves away from non-finite values', () => {
    // undefined (NaN) left of 0.2, the minimum at 1
    const result = minimize(([x]) => (x! < 0.2 ? Number.NaN : (x! - 1) ** 2), [3], { initialStep: 5 });
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(Number.isFinite(result.value)).toBe(true);
  });

  it('stops when rounding noise above fTol keeps the values from agreeing', () => {
    // a deterministic wobble of 1e-9, far above fTol = 1e-12
    const noisy = ([x, y]: readonly number[]) => (x! - 1) ** 2 + (y! + 2) ** 2 + 1e-9 * Math.sin(1e7 * x! + 3e7 * y!);
    const result = minimize(noisy, [0, 0]);
    expect(result.status).toBe('converged');
    expect(result.evaluations).toBeLessThan(5000);
    expect(result.x[0]).toBeCloseTo(1, 3);
    expect(result.x[1]).toBeCloseTo(-2, 3);
  });

  it('stops at once when the start point has no finite value', () => {
    let calls = 0;
    const result = minimize(() => {
      calls++;
      return Number.POSITIVE_INFINITY;
    }, [0, 0]);
    expect(result.status).toBe('non-finite-start');
    expect(calls).toBe(1);
  });

  it('reports running out of evaluations', () => {
    const result = minimize(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2, [-1.2, 1], { maxEvaluations: 30 });
    expect(result.status).toBe('max-evaluations');
    expect(result.evaluations).toBeLessThanOrEqual(35);
  });
});
