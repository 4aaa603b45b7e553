using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralPipelines.Models.Layers;

/// <summary>The architecture of a layer without its weights: a kind, named arguments and child specs.</summary>
/// <remarks>Arguments are stored as invariant-culture strings so that a spec round-trips through JSON exactly.</remarks>
public sealed class LayerSpec
{
    [JsonConstructor]
    public LayerSpec(string kind, Dictionary<string, string>? args = null, List<LayerSpec>? children = null)
    {
        Kind = kind;
        Args = args ?? new Dictionary<string, string>();
        Children = children ?? [];
    }

    public string Kind { get; }

    public Dictionary<string, string> Args { get; }

    public List<LayerSpec> Children { get; }

    public LayerSpec With(string name, int value) { Args[name] = value.ToString(CultureInfo.InvariantCulture); return this; }

    public LayerSpec With(string name, float value) { Args[name] = value.ToString("R", CultureInfo.InvariantCulture); return this; }

    public LayerSpec With(string name, bool value) { Args[name] = value ? "true" : "false"; return this; }

    public LayerSpec With(string name, string value) { Args[name] = value; return this; }

    public LayerSpec With(string name, int[] value) { Args[name] = string.Join(',', value.Select(v => v.ToString(CultureInfo.InvariantCulture))); return this; }

    public LayerSpec WithChildren(IEnumerable<LayerSpec> children) { Children.AddRange(children); return this; }

    public string GetString(string name) =>
        Args.TryGetValue(name, out var v) ? v : throw new FormatException($"Layer '{Kind}' is missing its argument '{name}'.");

    public string GetString(string name, string fallback) => Args.TryGetValue(name, out var v) ? v : fallback;

    public int GetInt(string name) => Parse(name, s => int.Parse(s, CultureInfo.InvariantCulture));

    public int GetInt(string name, int fallback) => Args.ContainsKey(name) ? GetInt(name) : fallback;

    public float GetFloat(string name) => Parse(name, s => float.Parse(s, CultureInfo.InvariantCulture));

    public float GetFloat(string name, float fallback) => Args.ContainsKey(name) ? GetFloat(name) : fallback;

    public bool GetBool(string name, bool fallback) => Args.ContainsKey(name) ? Parse(name, bool.Parse) : fallback;

    public int[] GetInts(string name) =>
        Parse(name, s => s.Length == 0 ? [] : s.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray());

    private T Parse<T>(string name, Func<string, T> parse)
    {
        var s = GetString(name);
        try { return parse(s); }
        catch (Exception e) when (e is FormatException or OverflowException) { throw new FormatException($"Layer '{Kind}' has an unreadable argument {name}='{s}'."); }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static LayerSpec FromJson(string json) =>
        JsonSerializer.Deserialize<LayerSpec>(json, JsonOptions) ?? throw new FormatException("Empty layer spec.");

    public override string ToString()
    {
        var args = string.Join(", ", Args.Select(kv => $"{kv.Key}={kv.Value}"));
        return Children.Count == 0 ? $"{Kind}({args})" : $"{Kind}({args})[{string.Join(", ", Children)}]";
    }
}
