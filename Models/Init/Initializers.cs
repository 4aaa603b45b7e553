namespace NeuralPipelines.Models.Init;

/// <summary>Fills weight tensors according to an <see cref="Initializer"/>, from a seeded generator.</summary>
public static class Initializers
{
    /// <summary>The standard deviation of <see cref="Initializer.Dcgan"/>.</summary>
    public const double DcganStd = 0.02;

    public static Initializer Parse(string name) => name.ToLowerInvariant() switch
    {
        "scaled" => Initializer.Scaled,
        "normal" => Initializer.Normal,
        "he" => Initializer.He,
        "xavier" => Initializer.Xavier,
        "dcgan" => Initializer.Dcgan,
        _ => throw new ArgumentException($"Unknown initialisation '{name}': use scaled, normal, he, xavier or dcgan."),
    };

    public static string Name(Initializer init) => init.ToString().ToLowerInvariant();

    public static void Fill(Span<float> w, Initializer init, int fanIn, int fanOut, Random rng)
    {
        switch (init)
        {
            case Initializer.Normal: FillNormal(w, 1.0, rng); break;
            case Initializer.Scaled: FillNormal(w, 1.0 / Math.Sqrt(fanIn), rng); break;
            case Initializer.He: FillNormal(w, Math.Sqrt(2.0 / fanIn), rng); break;
            case Initializer.Dcgan: FillNormal(w, DcganStd, rng); break;
            case Initializer.Xavier:
                double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.Length; i++) w[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(init));
        }
    }

    /// <summary>Box–Muller, so the same seed gives the same weights on every runtime.</summary>
    public static void FillNormal(Span<float> w, double std, Random rng)
    {
        for (int i = 0; i < w.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)), t = 2 * Math.PI * u2;
            w[i] = (float)(std * r * Math.Cos(t));
            if (i + 1 < w.Length) w[i + 1] = (float)(std * r * Math.Sin(t));
        }
    }
}
