using System.Collections.Concurrent;
using System.Reflection;

namespace NeuralPipelines.Models.Layers;

/// <summary>Rebuilds layers from their specs. Each layer type registers itself with <see cref="LayerKindAttribute"/>,
/// so adding a layer never means editing a central switch.</summary>
public static class LayerRegistry
{
    private static readonly Lazy<Dictionary<string, ConstructorInfo>> Kinds = new(Scan);
    private static readonly ConcurrentDictionary<string, ConstructorInfo> Extra = new();

    /// <summary>Registers a layer type from another assembly (types in this assembly are found automatically).</summary>
    public static void Register(Type layerType)
    {
        var (kind, ctor) = Describe(layerType) ?? throw new ArgumentException($"{layerType} lacks [LayerKind] or a (LayerSpec) constructor.");
        Extra[kind] = ctor;
    }

    public static IReadOnlyCollection<string> KnownKinds => Kinds.Value.Keys.Concat(Extra.Keys).ToArray();

    public static Layer Build(LayerSpec spec)
    {
        if (!Kinds.Value.TryGetValue(spec.Kind, out var ctor) && !Extra.TryGetValue(spec.Kind, out ctor))
            throw new FormatException($"Unknown layer kind '{spec.Kind}'. Known kinds: {string.Join(", ", KnownKinds.Order())}.");
        try { return (Layer)ctor.Invoke([spec]); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static Dictionary<string, ConstructorInfo> Scan()
    {
        var map = new Dictionary<string, ConstructorInfo>();
        foreach (var t in typeof(LayerRegistry).Assembly.GetTypes())
            if (Describe(t) is var (kind, ctor)) map[kind] = ctor;
        return map;
    }

    private static (string, ConstructorInfo)? Describe(Type t)
    {
        var attr = t.GetCustomAttribute<LayerKindAttribute>();
        if (attr is null || !typeof(Layer).IsAssignableFrom(t)) return null;
        var ctor = t.GetConstructor([typeof(LayerSpec)]);
        return ctor is null ? null : (attr.Kind, ctor);
    }
}
