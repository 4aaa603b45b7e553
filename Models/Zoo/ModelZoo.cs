using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Models.Zoo;

/// <summary>The networks that can be trained by name. Adding one means adding one <see cref="IZooArchitecture"/> file.</summary>
public static class ModelZoo
{
    private static readonly Lazy<Dictionary<string, IZooArchitecture>> All = new(() =>
        typeof(ModelZoo).Assembly.GetTypes()
            .Where(t => typeof(IZooArchitecture).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IZooArchitecture)Activator.CreateInstance(t)!)
            .ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase));

    public static IReadOnlyCollection<IZooArchitecture> Architectures => All.Value.Values.OrderBy(a => a.Name).ToArray();

    public static bool Contains(string name) => All.Value.ContainsKey(name);

    public static IZooArchitecture Get(string name) =>
        All.Value.TryGetValue(name, out var a) ? a
        : throw new ArgumentException($"Unknown architecture '{name}'. Known: {string.Join(", ", All.Value.Keys.Order())}.");

    public static Layer Build(string name, ZooOptions options) => Get(name).Build(options);
}
