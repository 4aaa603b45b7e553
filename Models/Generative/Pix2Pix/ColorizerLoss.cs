namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>What the colorizer's generator is trained with (names: l1, l1+gan).</summary>
public enum ColorizerLoss
{
    /// <summary>L1 alone: the regression baseline, which the paper finds washed out and greyish.</summary>
    L1,
    /// <summary>pix2pix: conditional GAN (PatchGAN discriminator) + λ·L1.</summary>
    L1Gan,
}

/// <summary>The command-line and checkpoint names of <see cref="ColorizerLoss"/>.</summary>
public static class ColorizerLosses
{
    public static string Name(ColorizerLoss loss) => loss == ColorizerLoss.L1 ? "l1" : "l1+gan";

    public static ColorizerLoss Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "l1" => ColorizerLoss.L1,
        "l1+gan" or "gan+l1" or "pix2pix" => ColorizerLoss.L1Gan,
        _ => throw new ArgumentException($"Unknown colorizer loss '{name}': use l1 (the baseline) or l1+gan (pix2pix)."),
    };
}
