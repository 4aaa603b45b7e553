using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralPipelines.Models.Settings;

/// <summary>The one spelling of a typed setting on the command line, in checkpoint headers and in ONNX metadata:
/// kebab-case ("cross-entropy", "adam", "cosine"). Settings are enums inside the code and text only at these edges.</summary>
public static class SettingNames
{
    /// <summary>Serialises every typed setting as its kebab-case name, so checkpoint headers read as they did when the
    /// settings were strings (files written before the change load unchanged).</summary>
    public static JsonStringEnumConverter JsonConverter { get; } = new(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false);

    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>All names of <typeparamref name="T"/>, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name).ToArray();

    /// <summary>Parses a kebab-case name (case-insensitive; "crossentropy" and "cross_entropy" also read), or fails naming
    /// <paramref name="what"/>, the text and the accepted names.</summary>
    public static T Parse<T>(string text, string what) where T : struct, Enum
    {
        string wanted = Squash(text);
        foreach (var value in Enum.GetValues<T>())
            if (Squash(Name(value)) == wanted) return value;
        throw new ArgumentException($"Unknown {what} '{text}': use {string.Join(", ", Names<T>())}.");
    }

    private static string Squash(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
