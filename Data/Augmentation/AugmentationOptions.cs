namespace NeuralPipelines.Data.Augmentation;

/// <summary>How training images are perturbed, fresh for every image every epoch (Nielsen ch. 3 "expanding the training data").</summary>
/// <param name="MaxRotationDegrees">Each image is rotated by a uniform angle in ±this many degrees (0 = none).</param>
/// <param name="MaxShift">Each image is shifted by a whole number of pixels in −s..s along each axis (0 = none).</param>
/// <param name="BlurProbability">Chance that an image is blurred by a 3×3 binomial kernel.</param>
public sealed record AugmentationOptions(float MaxRotationDegrees = 10f, int MaxShift = 1, float BlurProbability = 0.2f)
{
    /// <summary>The defaults: small rotations (±10°), 1-pixel shifts and an occasional blur.</summary>
    public static AugmentationOptions Standard { get; } = new();

    public bool IsIdentity => MaxRotationDegrees == 0f && MaxShift == 0 && BlurProbability == 0f;

    /// <summary>Parses "rotate=10,shift=1,blur=0.2" (any subset; missing parts are 0), or "standard".</summary>
    public static AugmentationOptions Parse(string text)
    {
        if (string.Equals(text.Trim(), "standard", StringComparison.OrdinalIgnoreCase) || text.Trim().Length == 0) return Standard;
        float rotate = 0, blur = 0; int shift = 0;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            string Value() => kv.Length == 2 ? kv[1] : throw new FormatException($"Augmentation '{part}' needs a value, e.g. {kv[0]}=1.");
            var ci = System.Globalization.CultureInfo.InvariantCulture;
            try
            {
                switch (kv[0].ToLowerInvariant())
                {
                    case "rotate": rotate = float.Parse(Value(), ci); break;
                    case "shift": shift = int.Parse(Value(), ci); break;
                    case "blur": blur = float.Parse(Value(), ci); break;
                    default: throw new FormatException($"Unknown augmentation '{kv[0]}': use rotate=DEGREES, shift=PIXELS, blur=PROBABILITY or 'standard'.");
                }
            }
            catch (FormatException e) when (!e.Message.StartsWith("Unknown", StringComparison.Ordinal) && !e.Message.StartsWith("Augmentation", StringComparison.Ordinal))
            {
                throw new FormatException($"Augmentation '{part}': '{kv[1]}' is not a number.");
            }
        }
        // Written so that NaN fails too: "rotate=NaN" parses as a float, and no comparison with NaN is true.
        if (!(rotate is >= 0 and <= 180) || shift < 0 || !(blur is >= 0 and <= 1))
            throw new FormatException($"Augmentation '{text}' is out of range (0 ≤ rotate ≤ 180, shift ≥ 0, 0 ≤ blur ≤ 1).");
        return new AugmentationOptions(rotate, shift, blur);
    }
}
