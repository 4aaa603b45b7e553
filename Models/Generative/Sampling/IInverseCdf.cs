namespace NeuralPipelines.Models.Generative.Sampling;

/// <summary>A distribution on the real line given by its cumulative distribution function F and its inverse F⁻¹ (the
/// quantile function): what inverse-transform sampling needs to draw from it, and what a Kolmogorov–Smirnov test needs
/// to check the draws.</summary>
/// <remarks>If U ~ U(0, 1) then F⁻¹(U) has distribution F, because P(F⁻¹(U) ≤ x) = P(U ≤ F(x)) = F(x) for an increasing F.</remarks>
public interface IInverseCdf
{
    /// <summary>F⁻¹(u), the value below which a fraction u of the mass lies; u in (0, 1).</summary>
    double Quantile(double u);

    /// <summary>F(x) = P(X ≤ x).</summary>
    double Cdf(double x);
}
