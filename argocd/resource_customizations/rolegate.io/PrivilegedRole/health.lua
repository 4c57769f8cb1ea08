-- Argo CD health check for rolegate.io/PrivilegedRole.
-- Reads the kstatus conditions rolegate writes: a spec change not yet observed is Progressing, a paused
-- object is Suspended, Stalled or Ready=False is Degraded, Reconciling is Progressing, Ready=True is Healthy.
local hs = { status = "Progressing", message = "Waiting for rolegate to observe the role" }

local function condition(conds, t)
  if conds == nil then return nil end
  for _, c in ipairs(conds) do
    if c.type == t then return c end
  end
  return nil
end

if obj.metadata ~= nil and obj.metadata.annotations ~= nil
    and obj.metadata.annotations["rolegate.io/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Reconciliation is paused by the rolegate.io/paused annotation"
  return hs
end

if obj.status == nil then
  return hs
end

local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  hs.message = "Waiting for rolegate to observe generation " .. tostring(generation)
  return hs
end

local conds = obj.status.conditions
local stalled = condition(conds, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message
  return hs
end

local reconciling = condition(conds, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = reconciling.message
  return hs
end

local ready = condition(conds, "Ready")
if ready ~= nil then
  if ready.status == "True" then
    hs.status = "Healthy"
    hs.message = ready.message
  elseif ready.status == "False" then
    hs.status = "Degraded"
    hs.message = ready.message
  else
    hs.message = ready.message
  end
end
return hs
