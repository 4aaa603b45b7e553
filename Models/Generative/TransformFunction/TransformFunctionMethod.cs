namespace NeuralPipelines.Models.Generative.TransformFunction;

/// <summary>How the transform function G is trained from samples of the target.</summary>
public enum TransformFunctionMethod
{
    /// <summary>Minimise √MMD² between a batch of G(u) and a batch of target samples (a generative moment-matching network).</summary>
    Mmd,
    /// <summary>A generative adversarial network: a discriminator D learns to tell target samples from G(u) with binary
    /// cross-entropy on logits, and G learns to make D call its samples real (the non-saturating loss −ln σ(D(G(u)))).</summary>
    Adversarial,
}
