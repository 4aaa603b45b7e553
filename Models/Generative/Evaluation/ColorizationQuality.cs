namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>How colorizations of held-out photos compare with the photos (issue 11, point 6), each a mean over the photos.</summary>
/// <param name="Psnr">PSNR of the RGB result against the photo, dB.</param>
/// <param name="Ssim">SSIM of the RGB result against the photo.</param>
/// <param name="Colourfulness">Hasler–Süsstrunk colourfulness of the results.</param>
/// <param name="TruthColourfulness">The same of the photos themselves: what a colorizer's saturation is judged against.</param>
public sealed record ColorizationQuality(double Psnr, double Ssim, double Colourfulness, double TruthColourfulness)
{
    /// <summary>Colourfulness as a share of the photos' own: the paper's washed-out L1 regression sits well under 1.</summary>
    public double ColourfulnessRatio => Colourfulness / TruthColourfulness;
}
