namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>How many random cases a fuzz draws and from which seed: a fixed handful by default (the fast test), or as many
/// as <see cref="CasesVariable"/> asks for, from <see cref="SeedVariable"/>'s seed, for a long hunt.</summary>
public static class FuzzRun
{
    /// <summary>The environment variable that sets the number of random cases of each fuzz (the long mode).</summary>
    public const string CasesVariable = "NP_FUZZ_CASES";

    /// <summary>The environment variable that sets the first seed (default 1); case i draws from seed + i, so a failure
    /// names the one seed that reproduces it.</summary>
    public const string SeedVariable = "NP_FUZZ_SEED";

    /// <summary>The cases to draw: <see cref="CasesVariable"/> when set, else <paramref name="fast"/>.</summary>
    public static int Cases(int fast) =>
        int.TryParse(Environment.GetEnvironmentVariable(CasesVariable), out int n) && n > 0 ? n : fast;

    /// <summary>True when <see cref="CasesVariable"/> asks for a long run (larger shapes are then allowed too).</summary>
    public static bool Long => Environment.GetEnvironmentVariable(CasesVariable) is { Length: > 0 };

    /// <summary>The environment variable that keeps only the routes whose name contains its value (to chase one route).</summary>
    public const string RouteVariable = "NP_FUZZ_ROUTE";

    public static string? Route => Environment.GetEnvironmentVariable(RouteVariable) is { Length: > 0 } r ? r : null;

    public static int FirstSeed => int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out int s) ? s : 1;

    /// <summary>Uniform in [−1, 1), a tenth of them exact zeros (as a ReLU's δ has).</summary>
    public static float[] Values(Random rng, long length)
    {
        var x = new float[length];
        for (long i = 0; i < length; i++) x[i] = rng.Next(10) == 0 ? 0f : (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    public static float[] Abs(float[] x) => Array.ConvertAll(x, MathF.Abs);

    /// <summary>A value from <paramref name="choices"/>.</summary>
    public static T Pick<T>(this Random rng, params T[] choices) => choices[rng.Next(choices.Length)];
}
