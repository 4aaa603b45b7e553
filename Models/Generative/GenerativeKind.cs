namespace NeuralPipelines.Models.Generative;

/// <summary>The generative models this project trains (names: gan, gmmn, gmmn-ae).</summary>
public enum GenerativeKind
{
    /// <summary>DCGAN: a generator trained against a discriminator (Goodfellow et al. 2014; Radford et al. 2015).</summary>
    Gan,
    /// <summary>Generative moment matching on pixels: the generator minimises √MMD² to real images (Li, Swersky and Zemel 2015).</summary>
    Gmmn,
    /// <summary>GMMN+AE: an auto-encoder first, then moment matching in its code space; samples go through the decoder.</summary>
    GmmnAe,
}

/// <summary>The noise a generator reads.</summary>
public enum NoiseKind
{
    /// <summary>z ~ N(0, 1) per component (DCGAN).</summary>
    Normal,
    /// <summary>z ~ U(−1, 1) per component (the GMMN paper).</summary>
    Uniform,
    /// <summary>z from a mixture of Gaussians stored with the model (<see cref="LatentMixture"/>).</summary>
    Mixture,
}

/// <summary>Which of a model's generators draws its samples (names: ema, raw).</summary>
public enum GeneratorWeights
{
    /// <summary>The exponential moving average of the generator's weights, when training kept one.</summary>
    Ema,
    /// <summary>The generator's own weights, as the last training step left them.</summary>
    Raw,
}
